import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Scheduler, Timer } from '../../core/clock.js';
import { UpstreamConnection } from './upstream-connection.js';

export interface RequestSpec {
  method: string;
  /** Path and query as sent upstream: "/v1/chat/completions". */
  path: string;
  /**
   * Header lines ("Name: value\r\n" each), validated by the caller and without host,
   * content-length or other framing headers: those are the pool's to set.
   */
  fields: string;
  body: Buffer | null;
}

/** Stops and restarts reading the answer: backpressure from a slow client to the upstream. */
export interface Flow {
  pause(): void;
  resume(): void;
}

/** What a request's owner hears, in this order: onConnect, then onHeaders, onData*, onComplete — or onError at any point. */
export interface ResponseHandler {
  /** `abort` ends the request at once (the connection is dropped); onError follows. */
  onConnect(abort: (err: Error) => void, flow: Flow): void;
  /** `fields`: the response's header lines as received (CRLF between them), validated. */
  onHeaders(status: number, fields: string): void;
  onData(chunk: Buffer): void;
  onComplete(): void;
  onError(err: Error): void;
}

export interface PoolOptions {
  scheduler: Scheduler;
  /** An idle connection closes after this (or the upstream's keep-alive hint, if shorter). */
  keepAliveMs?: number;
  connectTimeoutMs?: number;
  /** Certificates to trust for https: beyond the system's (a private CA, a test's own). */
  ca?: string | Buffer | undefined;
}

const SWEEP_MS = 1000;
/**
 * Where every plain-TCP upstream socket reads into: callbacks run one at a time, and each read
 * is copied out before anything else can read.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * Keep-alive HTTP/1.1 connections to one origin (http: or https:), one request at a time per
 * connection, as many connections as requests in flight. Written for the proxy's hot path: one
 * write per request, no per-request objects beyond the caller's handler.
 */
export class Http1Pool {
  readonly hostHeader: string;
  private readonly idle: UpstreamConnection[] = [];
  private readonly all = new Set<UpstreamConnection>();
  private sweepTimer: Timer | null = null;
  private destroyed = false;
  private readonly port: number;
  private readonly host: string;
  private readonly tls: boolean;

  constructor(
    origin: URL,
    readonly options: PoolOptions,
  ) {
    this.tls = origin.protocol === 'https:';
    this.port = origin.port === '' ? (this.tls ? 443 : 80) : Number(origin.port);
    this.host = origin.hostname.replace(/^\[|\]$/g, '');
    this.hostHeader = origin.host;
  }

  get keepAliveMs(): number {
    return this.options.keepAliveMs ?? 10_000;
  }

  /** Connections open now, idle or busy. */
  get size(): number {
    return this.all.size;
  }

  dispatch(spec: RequestSpec, handler: ResponseHandler): void {
    if (this.destroyed) {
      handler.onConnect(noop, NO_FLOW);
      handler.onError(Object.assign(new Error('pool closed'), { code: 'LBSIM_POOL_CLOSED' }));
      return;
    }
    let c = this.idle.pop();
    if (c !== undefined) {
      const now = this.options.scheduler.now();
      while (c !== undefined && (!c.usable || c.expiresAt <= now)) {
        c.socket.destroy();
        c = this.idle.pop();
      }
    }
    c ??= this.open();
    c.send(spec, handler);
  }

  /** The connection finished its request and can take another. */
  release(c: UpstreamConnection): void {
    if (this.destroyed) {
      c.socket.destroy();
      return;
    }
    this.idle.push(c);
    this.sweepTimer ??= this.options.scheduler.setTimer(SWEEP_MS, this.sweep);
  }

  forget(c: UpstreamConnection): void {
    this.all.delete(c);
    const i = this.idle.lastIndexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /** Closes every connection; requests in flight end with an error. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    const closed = [...this.all].map((c) => c.close());
    await Promise.all(closed);
  }

  private open(): UpstreamConnection {
    // eslint-disable-next-line prefer-const -- the read callback is made before the connection
    let c: UpstreamConnection;
    const socket: Socket = this.tls
      ? tlsConnect({
          host: this.host,
          port: this.port,
          servername: isIP(this.host) === 0 ? this.host : undefined,
          ALPNProtocols: ['http/1.1'],
          ca: this.options.ca,
        })
      : netConnect({
          host: this.host,
          port: this.port,
          noDelay: true,
          // Reads land in one shared buffer and skip the Readable stream machinery.
          onread: { buffer: READ_BUFFER, callback: (n: number) => c.onRead(READ_BUFFER, n) },
        });
    if (this.tls) socket.setNoDelay(true);
    c = new UpstreamConnection(this, socket, this.tls, this.options.connectTimeoutMs ?? 10_000);
    this.all.add(c);
    return c;
  }

  private readonly sweep = (): void => {
    const now = this.options.scheduler.now();
    for (const c of [...this.idle]) if (c.expiresAt <= now) c.socket.destroy();
    this.sweepTimer =
      this.idle.length > 0 ? this.options.scheduler.setTimer(SWEEP_MS, this.sweep) : null;
  };
}

function noop(): void {}

const NO_FLOW: Flow = { pause: noop, resume: noop };
