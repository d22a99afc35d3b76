import type { Socket } from 'node:net';
import type { Timer } from '../../core/clock.js';
import { BodyDecoder } from './body-decoder.js';
import { HttpProtocolError } from './protocol-error.js';
import { parseResponseHead, type ResponseHead } from './head.js';
import type { Flow, Http1Pool, RequestSpec, ResponseHandler } from './pool.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Upstream heads beyond this are refused (provider heads are a few hundred bytes). */
const HEAD_LIMIT = 64 * 1024;
/** The upstream's keep-alive hint is cut by this much, so we never reuse a closing socket. */
const KEEP_ALIVE_MARGIN_MS = 1000;

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One keep-alive connection to an upstream, carrying one request at a time. */
export class UpstreamConnection implements Flow {
  /** When an idle connection should be closed rather than reused. */
  expiresAt = 0;
  private handler: ResponseHandler | null = null;
  private method = '';
  private pending: Buffer | null = null;
  private head: ResponseHead | null = null;
  private decoder: BodyDecoder | null = null;
  private error: Error | null = null;
  private connected = false;
  private connectTimer: Timer | null;
  private gone = false;
  private readonly closed: Promise<void>;

  constructor(
    private readonly pool: Http1Pool,
    readonly socket: Socket,
    tls: boolean,
    connectTimeoutMs: number,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once(tls ? 'secureConnect' : 'connect', this.onConnected);
    socket.on('data', this.onData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onClose);
    this.connectTimer = pool.options.scheduler.setTimer(connectTimeoutMs, this.onConnectTimeout);
  }

  get usable(): boolean {
    return !this.gone && this.handler === null && !this.socket.destroyed;
  }

  send(spec: RequestSpec, handler: ResponseHandler): void {
    this.handler = handler;
    this.method = spec.method;
    handler.onConnect(this.abort, this);
    if (this.handler !== handler) return; // aborted at once
    let head = `${spec.method} ${spec.path} HTTP/1.1\r\nhost: ${this.pool.hostHeader}\r\n${spec.fields}`;
    const body = spec.body;
    const m = spec.method;
    // A GET or HEAD without a body says nothing of its length (RFC 9110 §8.6).
    if (m === 'POST' || m === 'PUT' || m === 'PATCH' || (body !== null && body.length > 0))
      head += `content-length: ${body?.length ?? 0}\r\n\r\n`;
    else head += '\r\n';
    if (body === null || body.length === 0) {
      this.socket.write(head, 'latin1');
      return;
    }
    const out = Buffer.allocUnsafe(head.length + body.length);
    out.write(head, 0, 'latin1');
    body.copy(out, head.length);
    this.socket.write(out);
  }

  pause(): void {
    if (this.handler !== null) this.socket.pause();
  }

  resume(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** Destroys the socket and resolves once it closed. */
  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private readonly abort = (err: Error): void => {
    const h = this.handler;
    if (h === null) return;
    this.handler = null;
    this.gone = true;
    this.socket.destroy();
    h.onError(err);
  };

  private readonly onConnected = (): void => {
    this.connected = true;
    this.connectTimer?.cancel();
    this.connectTimer = null;
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = null;
    if (this.connected) return;
    this.error = socketError('LBSIM_CONNECT_TIMEOUT', 'connecting to the upstream timed out');
    this.socket.destroy();
  };

  private readonly onSocketError = (err: Error): void => {
    this.error ??= err;
  };

  /** A read into the pool's shared buffer (plain TCP): copied, since the buffer is reused. */
  onRead(shared: Buffer, n: number): boolean {
    this.onData(Buffer.from(shared.subarray(0, n)));
    return true;
  }

  private readonly onData = (data: Buffer): void => {
    if (this.handler === null) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.gone = true;
      this.socket.destroy();
      return;
    }
    try {
      this.parse(data);
    } catch (err) {
      // A broken answer fails the request; anything else is a bug in a handler and surfaces.
      if (err instanceof HttpProtocolError) this.fail(err);
      else throw err;
    }
  };

  private parse(data: Buffer): void {
    const p = this.pending;
    const buf = p === null ? data : Buffer.concat([p, data]);
    let at = 0;
    while (this.head === null) {
      const end = buf.indexOf(CRLFCRLF, at);
      if (end < 0) {
        if (buf.length - at > HEAD_LIMIT)
          throw new HttpProtocolError(502, 'upstream response head too large');
        this.pending = at === 0 ? buf : buf.subarray(at);
        return;
      }
      const head = parseResponseHead(buf, at, end, this.method);
      at = end + 4;
      if (head.status < 200) continue; // 1xx: informational, the real answer follows
      this.head = head;
      this.pending = null;
      this.handler!.onHeaders(head.status, head.fields);
      if (this.handler === null) return; // aborted by the handler
      // The common cases need no decoder: no body, or all of it already here.
      if (
        head.framing === 'none' ||
        (head.framing === 'length' && buf.length - at >= head.length)
      ) {
        const stop = at + head.length;
        if (head.length > 0) this.handler.onData(buf.subarray(at, stop));
        if (this.handler === null) return;
        if (stop < buf.length) this.gone = true; // more bytes than the answer: do not reuse
        this.complete();
        return;
      }
      this.decoder = new BodyDecoder(head.framing, head.length);
    }
    const d = this.decoder!;
    if (at < buf.length) at = d.feed(buf, at, this.deliver);
    if (!d.done || this.handler === null) return;
    if (at < buf.length) this.gone = true; // more bytes than the answer: do not reuse
    this.complete();
  }

  private readonly deliver = (chunk: Buffer): void => {
    this.handler?.onData(chunk);
  };

  private complete(): void {
    const h = this.handler!;
    const head = this.head!;
    this.handler = null;
    this.head = null;
    this.decoder = null;
    this.pending = null;
    if (this.socket.isPaused()) this.socket.resume();
    if (!this.gone && head.keepAlive && !this.socket.destroyed) {
      this.expiresAt = this.pool.options.scheduler.now() + this.keepAliveFor(head);
      this.pool.release(this);
    } else {
      this.gone = true;
      this.socket.destroy();
    }
    h.onComplete();
  }

  private keepAliveFor(head: ResponseHead): number {
    const ms = this.pool.keepAliveMs;
    const hint = head.keepAliveHintMs;
    return hint < 0 ? ms : Math.min(ms, hint - KEEP_ALIVE_MARGIN_MS);
  }

  private fail(err: Error): void {
    const h = this.handler;
    this.handler = null;
    this.gone = true;
    this.socket.destroy();
    h?.onError(err);
  }

  private readonly onClose = (): void => {
    this.gone = true;
    this.connectTimer?.cancel();
    this.connectTimer = null;
    this.pool.forget(this);
    const h = this.handler;
    if (h === null) return;
    const d = this.decoder;
    if (d !== null && d.untilClose && this.error === null) {
      // A body delimited by the end of the connection just ended.
      this.complete();
      return;
    }
    this.handler = null;
    h.onError(
      this.error ??
        socketError('LBSIM_UPSTREAM_CLOSED', 'the upstream closed the connection before answering'),
    );
  };
}
