import type { Dispatched } from '../../gateway/dispatcher.js';
import type { GatewayRequest, RequestResult } from '../../gateway/request.js';
import {
  NO_UPSTREAM,
  REJECTED,
  RESET,
  SHUTTING_DOWN,
  sseErrorEvent,
  TIMEOUT,
  writeGatewayError,
  type GatewayErrorSpec,
} from './error-body.js';
import type { Reply } from '../http1/reply.js';
import type { ServerRequest } from '../http1/server.js';
import { fieldValue } from '../http1/header-names.js';
import { upstreamRequestFields } from './headers.js';
import type { UpstreamTarget } from './upstream-target.js';

/** What an exchange needs from the proxy that owns it. */
export interface ExchangeHost {
  /** The exchange is over (answered, failed or abandoned); `result` when the gateway ended it. */
  release(ex: Exchange, result: RequestResult | null): void;
}

const STREAM_KEY = Buffer.from('"stream"');

/**
 * One client request at the edge, and the GatewayRequest the dispatcher carries: the body read
 * once (re-sent on every attempt), the upstream's answer or error while the dispatcher decides,
 * and the single write of the outcome to the client.
 */
export class Exchange implements GatewayRequest {
  readonly cost = 1;
  readonly key: string | undefined;
  stream = false;
  body: Buffer | null = null;
  /** Status line and headers reached the client: from now on only the body or an in-band error. */
  headSent = false;
  handle: Dispatched | null = null;
  /** The target of the latest attempt. */
  target: UpstreamTarget | null = null;
  attempts = 0;

  /** A buffered (non-streaming) answer, set when the serving attempt completed. */
  answerStatus = 0;
  /** Header lines for the client (see Reply.writeHead). */
  answerFields = '';
  answerBody: Buffer | null = null;
  /** The latest upstream error answer, surfaced when there is nowhere else to go. */
  errorStatus = 0;
  errorFields = '';
  errorBody: Buffer | null = null;

  private over = false;
  private bodies: (Buffer | undefined)[] | null = null;
  private plainFields: string | null = null;
  private keyedFields: (string | undefined)[] | null = null;
  private parsed: Record<string, unknown> | null | undefined = undefined;

  readonly done = (result: RequestResult): void => this.finish(result);

  constructor(
    readonly id: number,
    readonly method: string,
    /** The path after /v1, with its query: "/chat/completions". */
    readonly subPath: string,
    readonly req: ServerRequest,
    readonly res: Reply,
    private readonly host: ExchangeHost,
  ) {
    this.key = fieldValue(req.fields, 'x-lbsim-key');
  }

  /** Sets the body and what the dispatcher needs to know of it (streaming or not). */
  setBody(body: Buffer): void {
    this.body = body;
    // Parse only when the body may ask for a stream; most bodies are forwarded untouched.
    if (body.indexOf(STREAM_KEY) >= 0) this.stream = this.json()?.stream === true;
  }

  get isOver(): boolean {
    return this.over;
  }

  /** The body as sent to `t`: its `model` replaces the client's when the upstream names one. */
  bodyFor(t: UpstreamTarget, index: number): Buffer | null {
    const body = this.body;
    if (t.model === undefined || body === null || body.length === 0) return body;
    const cache = (this.bodies ??= []);
    let b = cache[index];
    if (b === undefined) {
      const parsed = this.json();
      b = parsed === null ? body : Buffer.from(JSON.stringify({ ...parsed, model: t.model }));
      cache[index] = b;
    }
    return b;
  }

  /** The header lines as sent to `t`, built once per upstream key. */
  fieldsFor(t: UpstreamTarget, index: number): string {
    if (t.apiKey === undefined)
      return (this.plainFields ??= upstreamRequestFields(this.req.fields, undefined));
    const cache = (this.keyedFields ??= []);
    return (cache[index] ??= upstreamRequestFields(this.req.fields, t.apiKey));
  }

  private json(): Record<string, unknown> | null {
    if (this.parsed !== undefined) return this.parsed;
    let v: unknown = null;
    try {
      v = JSON.parse(this.body!.toString('utf8'));
    } catch {
      v = null;
    }
    this.parsed =
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : null;
    return this.parsed;
  }

  /** First bytes of a streamed answer: the head goes out now. */
  startStream(status: number, fields: string): void {
    if (this.headSent) return;
    this.headSent = true;
    this.res.writeHead(
      status,
      ['x-lbsim-upstream', this.target!.name, 'x-lbsim-attempts', String(this.attempts)],
      fields,
    );
  }

  /** Writes a piece of a streamed answer; returns the bytes still queued for the client. */
  write(chunk: Buffer): number {
    this.res.write(chunk);
    return this.res.queued;
  }

  /** The status the client got, 0 while none was written. */
  get sentStatus(): number {
    return this.res.status;
  }

  /** Runs `cb` once the client has taken what was queued for it. */
  onDrain(cb: () => void): void {
    this.res.onDrain(cb);
  }

  /** The client went away: abandon the request (aborts the upstream attempt). */
  clientGone(): void {
    if (this.over) return;
    const h = this.handle;
    if (h !== null) h.cancel();
    else this.close();
  }

  /** The gateway is closing: cancel and answer 503 if nothing was sent yet. */
  shutdown(): void {
    if (this.over) return;
    const h = this.handle;
    if (h !== null) h.cancel();
    if (!this.over) {
      this.sendError(SHUTTING_DOWN);
      this.close();
    }
  }

  private finish(result: RequestResult): void {
    if (this.over) return;
    this.handle = null;
    if (result.ok) {
      this.respondOk();
    } else if (this.headSent) {
      this.breakStream(result.outcome?.kind === 'timeout' ? 'stream_stalled' : 'stream_truncated');
    } else if (result.errorClass === 'aborted') {
      // The client is gone (or the gateway is closing): nothing to answer.
      if (!this.res.destroyed && !this.res.ended) this.sendError(SHUTTING_DOWN);
    } else if (result.outcome?.kind === 'http-error' && this.errorStatus > 0) {
      this.sendUpstreamError();
    } else {
      this.sendGatewayError(result);
    }
    this.close(result);
  }

  /** Terminal: answered, failed or abandoned. */
  close(result: RequestResult | null = null): void {
    if (this.over) return;
    this.over = true;
    this.host.release(this, result);
  }

  private respondOk(): void {
    const res = this.res;
    if (this.stream && this.answerBody === null) {
      if (!this.headSent) this.startStream(this.answerStatus || 200, this.answerFields);
      res.end();
      return;
    }
    const body = this.answerBody ?? EMPTY;
    const headers = [
      'content-length',
      String(body.length),
      'x-lbsim-upstream',
      this.target!.name,
      'x-lbsim-attempts',
      String(this.attempts),
    ];
    this.headSent = true;
    res.writeHead(this.answerStatus, headers, this.answerFields);
    res.end(this.method === 'HEAD' ? undefined : body);
  }

  /** A stream already under way broke: say so in-band, then cut the connection. */
  private breakStream(code: string): void {
    const res = this.res;
    if (res.destroyed) return;
    const message =
      code === 'stream_stalled'
        ? 'The upstream went silent in the middle of the answer; the answer is incomplete.'
        : 'The upstream stream broke in the middle of the answer; the answer is incomplete.';
    // No clean end: the chunked body is never terminated, so even a client that ignores the
    // event sees the answer fail.
    res.write(sseErrorEvent(code, message));
    res.endBroken();
  }

  private sendUpstreamError(): void {
    const body = this.errorBody ?? EMPTY;
    const headers = [
      'content-length',
      String(body.length),
      'x-lbsim-upstream',
      this.target?.name ?? '',
      'x-lbsim-attempts',
      String(this.attempts),
    ];
    this.headSent = true;
    this.res.writeHead(this.errorStatus, headers, this.errorFields);
    this.res.end(this.method === 'HEAD' ? undefined : body);
  }

  private sendGatewayError(result: RequestResult): void {
    switch (result.errorClass) {
      case 'rejected': {
        const ms = Math.max(1, Math.ceil(result.retryAfterMs));
        this.sendError(REJECTED, [
          'retry-after',
          String(Math.ceil(ms / 1000)),
          'retry-after-ms',
          String(ms),
        ]);
        return;
      }
      case 'timeout':
        this.sendError(TIMEOUT);
        return;
      case 'reset':
      case 'truncated':
      case '5xx':
      case '4xx':
      case '429':
        this.sendError(result.outcome === null ? NO_UPSTREAM : RESET);
        return;
      default:
        this.sendError(NO_UPSTREAM);
    }
  }

  sendError(spec: GatewayErrorSpec, extra: string[] = []): void {
    const res = this.res;
    if (this.headSent || res.destroyed) return;
    this.headSent = true;
    // A HEAD reply drops the body by itself.
    writeGatewayError(res, spec, ['x-lbsim-attempts', String(this.attempts), ...extra]);
  }
}

const EMPTY = Buffer.alloc(0);
