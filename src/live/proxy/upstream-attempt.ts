import type { Clock } from '../../core/clock.js';
import type { AttemptCall } from '../../gateway/dispatcher.js';
import { OK_200 } from '../../gateway/outcome.js';
import { parseRetryAfter } from '../../gateway/retry/retry-after.js';
import type { Flow, ResponseHandler } from '../http1/pool.js';
import { errorOutcome } from './error-outcome.js';
import type { Exchange } from './exchange.js';
import { clientResponseFields, type ResponseHints } from './headers.js';
import { providerErrorCode } from './provider-error.js';
import type { UpstreamTarget } from './upstream-target.js';

/** An error body beyond this is cut: only its start is kept to surface and to read the code from. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Bytes queued for a slow client beyond which the upstream is no longer read. */
const CLIENT_BUFFER_LIMIT = 256 * 1024;
/** A non-streaming answer beyond this stops being buffered and streams through (committed). */
const BUFFER_LIMIT = 8 * 1024 * 1024;

const ABORTED = Object.assign(new Error('attempt aborted by the gateway'), {
  code: 'LBSIM_ABORTED',
});

type Mode = 'head' | 'buffer' | 'error' | 'stream';

/**
 * One attempt at an upstream, as the handler of a pool request. Streamed answers go to the client chunk by chunk
 * and commit on the first chunk; other answers and every error are buffered until complete so
 * the dispatcher can still retry or fail over.
 */
export class UpstreamAttempt implements ResponseHints, ResponseHandler {
  retryAfter: string | undefined = undefined;
  retryAfterMs: string | undefined = undefined;
  private poolAbort: ((err: Error) => void) | null = null;
  private flow: Flow | null = null;
  private paused = false;
  /** Ended (by the upstream or by an abort): later callbacks are ignored. */
  private finished = false;
  private mode: Mode = 'head';
  private status = 0;
  private fields = '';
  private chunks: Buffer[] | null = null;
  private size = 0;

  readonly abort = (): void => {
    if (this.finished) return;
    this.finished = true;
    const a = this.poolAbort;
    this.poolAbort = null;
    a?.(ABORTED);
  };

  constructor(
    private readonly call: AttemptCall,
    private readonly ex: Exchange,
    private readonly target: UpstreamTarget,
    private readonly clock: Clock,
  ) {}

  onConnect(abort: (err: Error) => void, flow: Flow): void {
    this.flow = flow;
    if (this.finished) abort(ABORTED);
    else this.poolAbort = abort;
  }

  onHeaders(status: number, fields: string): void {
    if (this.finished) return;
    this.status = status;
    this.fields = clientResponseFields(fields, this);
    if (status >= 400) this.mode = 'error';
    else if (this.ex.stream) this.mode = 'stream';
    else this.mode = 'buffer';
  }

  onData(chunk: Buffer): void {
    if (this.finished) return;
    switch (this.mode) {
      case 'stream':
        this.streamChunk(chunk);
        return;
      case 'buffer':
        if (this.size + chunk.length > BUFFER_LIMIT) {
          this.switchToStream();
          this.streamChunk(chunk);
          return;
        }
        this.keep(chunk);
        return;
      case 'error':
        if (this.size < ERROR_BODY_LIMIT)
          this.keep(chunk.subarray(0, ERROR_BODY_LIMIT - this.size));
        return;
      case 'head':
        return;
    }
  }

  onComplete(): void {
    if (this.finished) return;
    this.finished = true;
    this.poolAbort = null;
    const ex = this.ex;
    const call = this.call;
    if (this.mode === 'error') {
      const body = this.body();
      ex.errorStatus = this.status;
      ex.errorFields = this.fields;
      ex.errorBody = body;
      const code = providerErrorCode(body);
      call.end({
        kind: 'http-error',
        status: this.status,
        retryAfterMs: this.retryAfterHint(),
        code,
      });
      return;
    }
    if (this.mode === 'stream') {
      // An empty stream still answers: the head goes out with the end.
      if (!call.committed) this.commit();
    } else {
      ex.answerStatus = this.status;
      ex.answerFields = this.fields;
      ex.answerBody = this.body();
    }
    call.end(this.status === 200 ? OK_200 : { kind: 'ok', status: this.status });
  }

  onError(err: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.poolAbort = null;
    this.call.end(errorOutcome(err, this.call.committed));
  }

  private streamChunk(chunk: Buffer): void {
    const call = this.call;
    call.progress();
    if (!call.committed) this.commit();
    // A client that reads slower than the upstream writes: stop reading the upstream until it
    // caught up, rather than holding the whole answer in memory. Chunks already read while
    // paused still go out; one drain wait is enough.
    if (this.ex.write(chunk) > CLIENT_BUFFER_LIMIT && this.flow !== null && !this.paused) {
      this.paused = true;
      call.hold(true);
      this.flow.pause();
      this.ex.onDrain(this.resume);
    }
  }

  /** The client caught up. */
  private readonly resume = (): void => {
    this.paused = false;
    if (this.finished) return;
    this.call.hold(false);
    this.flow?.resume();
  };

  /** The point of no return: from here a failure is `truncated`, never retried. */
  private commit(): void {
    this.call.commit();
    const ex = this.ex;
    ex.startStream(this.status, this.fields);
    const chunks = this.chunks;
    if (chunks !== null) for (const c of chunks) ex.write(c);
    this.chunks = null;
  }

  private switchToStream(): void {
    this.mode = 'stream';
    this.call.progress();
  }

  private keep(chunk: Buffer): void {
    (this.chunks ??= []).push(chunk);
    this.size += chunk.length;
  }

  private body(): Buffer | null {
    const c = this.chunks;
    if (c === null) return null;
    return c.length === 1 ? c[0]! : Buffer.concat(c, this.size);
  }

  private retryAfterHint(): number | undefined {
    if (this.retryAfter === undefined && this.retryAfterMs === undefined) return undefined;
    return parseRetryAfter(this, this.clock.now());
  }

  /** Sends the attempt on the target's pool. */
  dispatch(): void {
    const ex = this.ex;
    const t = this.target;
    const index = t.index;
    t.pool.dispatch(
      {
        path: t.basePath + ex.subPath,
        method: ex.method,
        fields: ex.fieldsFor(t, index),
        body: ex.bodyFor(t, index),
      },
      this,
    );
  }
}
