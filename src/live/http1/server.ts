import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Scheduler, Timer } from '../../core/clock.js';
import { BodyDecoder } from './body-decoder.js';
import { parseRequestHead, type RequestHead } from './head.js';
import { splitFields } from './header-names.js';
import { HttpProtocolError } from './protocol-error.js';
import { Reply, type ReplyOwner } from './reply.js';

/** One request, read whole (head and body) before the handler sees it. */
export class ServerRequest {
  private raw: string[] | null = null;

  constructor(
    readonly method: string,
    /** "/v1/chat/completions?x=1" */
    readonly target: string,
    /** The header lines as received ("Name: value", CRLF between them), validated. */
    readonly fields: string,
    readonly body: Buffer,
  ) {}

  /** The headers as a flat [name, value, ...] list, names as sent. */
  get rawHeaders(): string[] {
    return (this.raw ??= splitFields(this.fields));
  }
}

export type RequestHandler = (req: ServerRequest, reply: Reply) => void;

export interface Http1ServerOptions {
  scheduler: Scheduler;
  /** Larger bodies get 413 and the connection closes. */
  maxBodyBytes: number;
  /** The body of the server's own error answers (400, 408, 413, 431, ...), JSON. */
  errorBody(status: number, message: string): Buffer;
  /** An idle keep-alive connection closes after this. Default 5 s, as node's. */
  keepAliveTimeoutMs?: number;
  /** A request's head and body must arrive within this. Default 60 s. */
  requestTimeoutMs?: number;
}

/** A head larger than this gets 431 (node's default limit). */
const HEAD_LIMIT = 16 * 1024;
/** Bytes pipelined behind a request in progress before reading from the client pauses. */
const PIPELINE_LIMIT = 64 * 1024;
/** Answers queued for a client beyond which its next request waits until it read them. */
const OUTPUT_LIMIT = 1024 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
const SWEEP_MS = 1000;
const EMPTY = Buffer.alloc(0);

/**
 * A minimal, strict HTTP/1.1 server on raw sockets: keep-alive, pipelining (answered in order),
 * content-length and chunked bodies, Expect: 100-continue. It exists because node:http costs
 * about as much CPU per request as everything else in the proxy together (bench/proxy/README.md).
 */
export class Http1Server {
  private readonly server: Server;
  private readonly conns = new Set<Connection>();
  private sweepTimer: Timer | null = null;
  private readonly drained: (() => void)[] = [];
  private drainStarted = false;
  private lastDateSecond = -1;
  private lastDateLine = '';

  constructor(
    readonly handler: RequestHandler,
    readonly options: Http1ServerOptions,
  ) {
    // A client's FIN is taken as the client going away (its request is cancelled), as nginx and
    // Envoy do: most clients that close early have given up, few half-close on purpose.
    this.server = createServer({ noDelay: true }, (socket) => {
      if (this.draining) {
        socket.destroy();
        return;
      }
      const c = new Connection(this, socket);
      this.conns.add(c);
      this.sweepTimer ??= this.options.scheduler.setTimer(SWEEP_MS, this.sweep);
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting; resolves when every connection is gone (see `destroyAll`). */
  async close(): Promise<void> {
    if (this.server.listening)
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.conns.size > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /**
   * A graceful stop: stops accepting; idle connections close now, busy ones finish the request
   * they serve and then close (its answer says `connection: close` if its head has not left
   * yet). Resolves when every
   * connection is gone; `destroyAll` cuts what is left when the caller stops waiting.
   */
  drain(): Promise<void> {
    this.drainStarted = true;
    for (const c of this.conns) c.drain();
    return this.close();
  }

  /** Connections finish what they serve, then close (see `drain`). */
  get draining(): boolean {
    return this.drainStarted;
  }

  /** Cuts every connection, busy or not. */
  destroyAll(): void {
    for (const c of [...this.conns]) c.socket.destroy();
  }

  get connections(): number {
    return this.conns.size;
  }

  forget(c: Connection): void {
    this.conns.delete(c);
    if (this.conns.size > 0) return;
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    for (const resolve of this.drained.splice(0)) resolve();
  }

  dateLine(): string {
    const now = this.options.scheduler.now();
    const second = Math.floor(now / 1000);
    if (second !== this.lastDateSecond) {
      this.lastDateSecond = second;
      this.lastDateLine = `date: ${new Date(second * 1000).toUTCString()}\r\n`;
    }
    return this.lastDateLine;
  }

  private readonly sweep = (): void => {
    const now = this.options.scheduler.now();
    const idle = this.options.keepAliveTimeoutMs ?? 5000;
    const request = this.options.requestTimeoutMs ?? 60_000;
    for (const c of this.conns) c.expire(now, idle, request);
    this.sweepTimer =
      this.conns.size > 0 ? this.options.scheduler.setTimer(SWEEP_MS, this.sweep) : null;
  };
}

/** One client connection: reads requests one after another and answers them in order. */
class Connection implements ReplyOwner {
  private pending: Buffer | null = null;
  private head: RequestHead | null = null;
  private decoder: BodyDecoder | null = null;
  private parts: Buffer[] = [];
  private size = 0;
  private reply: Reply | null = null;
  /** When the connection last became idle, or the request being read started, or output moved. */
  private since: number;
  /** No more requests are read: the last reply is being flushed, then the socket closes. */
  private closing = false;
  /** Reading waits until the client took the answers already queued for it. */
  private waitingDrain = false;
  private lastQueued = 0;

  constructor(
    private readonly server: Http1Server,
    readonly socket: Socket,
  ) {
    this.since = server.options.scheduler.now();
    socket.on('data', this.onData);
    socket.on('error', noop);
    socket.on('close', this.onClose);
  }

  dateLine(): string {
    return this.server.dateLine();
  }

  /**
   * Closes the connection if it sat idle, a request dragged, or the client stopped taking its
   * answers, for too long. Output still queued is never cut as "idle".
   */
  expire(now: number, idleMs: number, requestMs: number): void {
    const queued = this.socket.writableLength;
    if (queued > 0) {
      if (queued !== this.lastQueued) {
        this.lastQueued = queued;
        this.since = now;
      } else if (now - this.since >= requestMs) this.socket.destroy();
      return;
    }
    this.lastQueued = 0;
    if (this.reply !== null) return;
    const reading = !this.closing && (this.head !== null || this.pending !== null);
    if (!reading) {
      if (now - this.since >= idleMs) this.socket.destroy();
    } else if (now - this.since >= requestMs) {
      this.fail(new HttpProtocolError(408, 'the request took too long to arrive'));
    }
  }

  /** The server is draining: close now when idle, else after the request being served. */
  drain(): void {
    const r = this.reply;
    if (r !== null) {
      if (!r.headSent) r.keepAlive = false;
    } else if (this.head === null && this.pending === null) this.close();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.closing) return;
    const p = this.pending;
    if (p === null && this.head === null) this.since = this.server.options.scheduler.now();
    this.pending = p === null ? data : Buffer.concat([p, data]);
    if (this.reply !== null || this.waitingDrain) {
      if (this.pending.length > PIPELINE_LIMIT) this.socket.pause();
      return;
    }
    this.parse();
  };

  private readonly onClose = (): void => {
    this.closing = true;
    const r = this.reply;
    if (r !== null && !r.ended) {
      const cb = r.onClose;
      r.onClose = null;
      cb?.();
    }
    this.server.forget(this);
  };

  /** No more requests: flush what is queued, then close. */
  private close(): void {
    this.closing = true;
    this.pending = null;
    this.since = this.server.options.scheduler.now();
    this.socket.destroySoon();
  }

  private parse(): void {
    try {
      this.parseSome();
    } catch (err) {
      if (err instanceof HttpProtocolError) this.fail(err);
      else throw err;
    }
  }

  private parseSome(): void {
    for (;;) {
      const buf = this.pending;
      if (buf === null) return;
      let at = 0;
      if (this.head === null) {
        // Empty lines before a request line are allowed (RFC 9112 §2.2).
        while (at + 1 < buf.length && buf[at] === 13 && buf[at + 1] === 10) at += 2;
        const end = buf.indexOf(CRLFCRLF, at);
        if (end < 0) {
          if (buf.length - at > HEAD_LIMIT)
            throw new HttpProtocolError(431, 'request head too large');
          this.pending = at === 0 ? buf : at === buf.length ? null : buf.subarray(at);
          return;
        }
        if (end - at > HEAD_LIMIT) throw new HttpProtocolError(431, 'request head too large');
        const head = parseRequestHead(buf, at, end);
        if (head.framing === 'length' && head.length > this.server.options.maxBodyBytes)
          throw new HttpProtocolError(413, 'request body too large');
        at = end + 4;
        // The common cases need no decoder: no body, or all of it already here.
        if (
          head.framing === 'none' ||
          (head.framing === 'length' && buf.length - at >= head.length)
        ) {
          const stop = at + head.length;
          this.pending = stop >= buf.length ? null : buf.subarray(stop);
          this.dispatch(head, head.length === 0 ? EMPTY : buf.subarray(at, stop));
          if (!this.readyForNext()) return;
          continue;
        }
        this.head = head;
        this.decoder = new BodyDecoder(head.framing, head.length);
        if (head.expectContinue) this.socket.write(CONTINUE);
      }
      at = this.decoder!.feed(buf, at, this.keep);
      if (this.size > this.server.options.maxBodyBytes)
        throw new HttpProtocolError(413, 'request body too large');
      if (!this.decoder!.done) {
        this.pending = null;
        return;
      }
      this.pending = at >= buf.length ? null : buf.subarray(at);
      const parts = this.parts;
      const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.size);
      const head = this.head!;
      this.head = null;
      this.decoder = null;
      this.parts = [];
      this.size = 0;
      this.dispatch(head, body);
      if (!this.readyForNext()) return;
    }
  }

  /**
   * Whether the next pipelined request may be read now: not while a reply is under way, never
   * after the connection started closing, and not while the client leaves its answers unread
   * (a client that pipelines without reading would otherwise fill the gateway's memory).
   */
  private readyForNext(): boolean {
    if (this.reply !== null || this.closing || this.waitingDrain) return false;
    if (this.socket.writableLength <= OUTPUT_LIMIT) return true;
    this.waitingDrain = true;
    this.socket.pause();
    this.socket.once('drain', this.onDrain);
    return false;
  }

  private readonly onDrain = (): void => {
    this.waitingDrain = false;
    if (this.closing) return;
    this.socket.resume();
    this.continueReading();
  };

  private readonly keep = (chunk: Buffer): void => {
    this.parts.push(chunk);
    this.size += chunk.length;
  };

  private dispatch(head: RequestHead, body: Buffer): void {
    const keepAlive = head.keepAlive && !this.server.draining;
    const reply = new Reply(this, head.http10, head.method === 'HEAD', keepAlive);
    this.reply = reply;
    this.server.handler(new ServerRequest(head.method, head.target, head.fields, body), reply);
  }

  replyEnded(reply: Reply): void {
    if (reply !== this.reply) return;
    this.reply = null;
    this.since = this.server.options.scheduler.now();
    if (!reply.keepAlive || this.closing || this.server.draining) {
      this.close();
      return;
    }
    if (!this.readyForNext()) return;
    if (this.socket.isPaused()) this.socket.resume();
    // The next pipelined request, on a later tick so a deep pipeline cannot grow the stack.
    if (this.pending !== null) queueMicrotask(this.continueReading);
  }

  private readonly continueReading = (): void => {
    if (this.reply !== null || this.closing || this.waitingDrain) return;
    if (this.pending !== null) this.parse();
  };

  /** Answers a broken request with its status and closes the connection. */
  private fail(err: HttpProtocolError): void {
    this.pending = null;
    this.head = null;
    this.decoder = null;
    this.parts = [];
    const reply = new Reply(this, false, false, false);
    this.reply = reply;
    const body = this.server.options.errorBody(err.status, err.message);
    reply.writeHead(err.status, [
      'content-type',
      'application/json',
      'content-length',
      String(body.length),
    ]);
    reply.end(body);
  }
}

function noop(): void {}
