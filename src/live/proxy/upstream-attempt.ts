import type { Clock } from '../../core/clock.js';
import type { AttemptCall } from '../../gateway/dispatcher.js';
import { OK_200 } from '../../gateway/outcome.js';
import { parseRetryAfter } from '../../gateway/retry/retry-after.js';
import { errorOutcome } from './error-outcome.js';
import type { Exchange } from './exchange.js';
import { clientResponseHeaders, type ResponseHints } from './headers.js';
import { providerErrorCode } from './provider-error.js';
import type { UpstreamTarget } from './upstream-target.js';

/** An error body beyond this is cut: only its start is kept to surface and to read the code from. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** A non-streaming answer beyond this stops being buffered and streams through (committed). */
const BUFFER_LIMIT = 8 * 1024 * 1024;

const ABORTED = Object.assign(new Error('attempt aborted by the gateway'), {
  code: 'LBSIM_ABORTED',
});

type Mode = 'head' | 'buffer' | 'error' | 'stream';

/**
 * One attempt at an upstream as an undici dispatch handler (the core callbacks, without the
 * wrapper allocations of the controller API). Streamed answers go to the client chunk by chunk
 * and commit on the first chunk; other answers and every error are buffered until complete so
 * the dispatcher can still retry or fail over.
 */
export class UpstreamAttempt implements ResponseHints {
  retryAfter: string | undefined = undefined;
  retryAfterMs: string | undefined = undefined;
  private undiciAbort: ((err?: Error) => void) | null = null;
  /** Ended (by the upstream or by an abort): later callbacks are ignored. */
  private finished = false;
  private mode: Mode = 'head';
  private status = 0;
  private headers: string[] | null = null;
  private chunks: Buffer[] | null = null;
  private size = 0;

  readonly abort = (): void => {
    if (this.finished) return;
    this.finished = true;
    const a = this.undiciAbort;
    this.undiciAbort = null;
    a?.(ABORTED);
  };

  constructor(
    private readonly call: AttemptCall,
    private readonly ex: Exchange,
    private readonly target: UpstreamTarget,
    private readonly clock: Clock,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    if (this.finished) abort(ABORTED);
    else this.undiciAbort = abort;
  }

  onHeaders(status: number, raw: Buffer[] | null, _resume: () => void, _text: string): boolean {
    if (this.finished || status < 200) return true;
    this.status = status;
    this.headers = clientResponseHeaders(raw ?? [], this);
    if (status >= 400) this.mode = 'error';
    else if (this.ex.stream) this.mode = 'stream';
    else this.mode = 'buffer';
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.finished) return true;
    switch (this.mode) {
      case 'stream':
        this.streamChunk(chunk);
        return true;
      case 'buffer':
        if (this.size + chunk.length > BUFFER_LIMIT) {
          this.switchToStream();
          this.streamChunk(chunk);
          return true;
        }
        this.keep(chunk);
        return true;
      case 'error':
        if (this.size < ERROR_BODY_LIMIT)
          this.keep(chunk.subarray(0, ERROR_BODY_LIMIT - this.size));
        return true;
      case 'head':
        return true;
    }
  }

  onComplete(_trailers: string[] | null): void {
    if (this.finished) return;
    this.finished = true;
    this.undiciAbort = null;
    const ex = this.ex;
    const call = this.call;
    if (this.mode === 'error') {
      const body = this.body();
      ex.errorStatus = this.status;
      ex.errorHeaders = this.headers;
      ex.errorBody = body;
      const code = providerErrorCode(body);
      ex.errorCode = code;
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
      ex.answerHeaders = this.headers;
      ex.answerBody = this.body();
    }
    call.end(this.status === 200 ? OK_200 : { kind: 'ok', status: this.status });
  }

  onError(err: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.undiciAbort = null;
    this.call.end(errorOutcome(err, this.call.committed));
  }

  private streamChunk(chunk: Buffer): void {
    const call = this.call;
    call.progress();
    if (!call.committed) this.commit();
    this.ex.write(chunk);
  }

  /** The point of no return: from here a failure is `truncated`, never retried. */
  private commit(): void {
    this.call.commit();
    const ex = this.ex;
    ex.startStream(this.status, this.headers ?? []);
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
    try {
      t.pool.dispatch(
        {
          path: t.basePath + ex.subPath,
          method: ex.method,
          headers: ex.headersFor(t, index),
          body: ex.bodyFor(t, index),
        },
        this,
      );
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
