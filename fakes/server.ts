import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { check } from '../src/core/assert.js';
import type { Scheduler } from '../src/core/clock.js';
import { realScheduler } from '../src/core/real-scheduler.js';
import { Rng } from '../src/core/rng.js';
import type { FaultSpec, UpstreamConfig } from './config.js';
import type { UpstreamLookup } from './control.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { ndjsonLogger } from './ndjson-log.js';
import type { HeaderMap, Plan } from './plan.js';
import type { Playback, PlayOptions, PlayTarget } from './player.js';
import { playPlan } from './player.js';
import { requestFromHttp } from './request.js';
import { TrackingScheduler } from './tracking-scheduler.js';
import type { Decision, PlanSink } from './upstream.js';
import { FakeUpstream } from './upstream.js';

/** Delay between the last bytes of a mid-body reset and the reset itself. */
const RESET_FLUSH_MS = 2;

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1'];

export interface FakeServerOptions {
  /** 127.0.0.1 (default) or ::1; anything else is refused. */
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Real time by default; every timer set through it is cancelled on close. */
  scheduler?: Scheduler;
  rng?: Rng;
  /** The timeline, from the moment the server is created. */
  faults?: readonly FaultSpec[];
  /** NDJSON request log. */
  log?: Writable;
  onDecision?: (d: Decision) => void;
  onLateness?: PlayOptions['onLateness'];
  /** Lets the control API reach sibling upstreams by name. */
  lookup?: UpstreamLookup;
}

/**
 * The fake upstream over real sockets on loopback. A net.Server accepts connections and hands
 * them to an http.Server that never listens itself, so "down" can really close the port
 * (clients get ECONNREFUSED) and reopen it on the same number when the fault ends.
 */
export class FakeServer {
  readonly upstream: FakeUpstream;
  readonly host: string;
  private portNumber: number;
  private readonly scheduler: TrackingScheduler;
  private readonly http: HttpServer;
  private listener: NetServer | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly playOptions: PlayOptions;
  private readonly lookup: UpstreamLookup;
  private closed = false;
  /** Set when the port could not be reopened after a down fault. */
  lastError: Error | null = null;

  constructor(config: UpstreamConfig, opts: FakeServerOptions = {}) {
    const host = opts.host ?? '127.0.0.1';
    check(
      LOOPBACK_HOSTS.includes(host),
      'host',
      host,
      'must be a loopback address (127.0.0.1 or ::1)',
    );
    this.host = host;
    this.portNumber = opts.port ?? 0;
    check(
      Number.isInteger(this.portNumber) && this.portNumber >= 0 && this.portNumber <= 65535,
      'port',
      this.portNumber,
      'must be 0..65535',
    );
    this.scheduler = new TrackingScheduler(opts.scheduler ?? realScheduler);
    const log = opts.log ? ndjsonLogger(config.name, opts.log) : undefined;
    const onDecision = opts.onDecision;
    this.upstream = new FakeUpstream(config, this.scheduler, opts.rng ?? new Rng('lbsim'), {
      faults: opts.faults ?? [],
      trackAttempts: true,
      onDecision:
        log && onDecision
          ? (d) => {
              log(d);
              onDecision(d);
            }
          : (log ?? onDecision),
    });
    this.playOptions = { onLateness: opts.onLateness };
    this.lookup =
      opts.lookup ?? ((name) => (name === this.upstream.name ? this.upstream : undefined));
    this.http = createHttpServer({ keepAlive: true, noDelay: true }, (req, res) =>
      this.onRequest(req, res),
    );
    this.upstream.onChange(() => this.followRefusing());
  }

  get port(): number {
    return this.portNumber;
  }

  /** Base URL for an OpenAI client: http://127.0.0.1:PORT/v1 */
  get url(): string {
    return `${this.origin}/v1`;
  }

  get origin(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.portNumber}`;
  }

  /** Opens the port (unless the timeline starts with the upstream down, then it opens when up). */
  async listen(): Promise<this> {
    if (this.portNumber === 0 || !this.upstream.refusing) await this.open();
    if (this.upstream.refusing) this.shut();
    return this;
  }

  /** Closes the port and every connection, cancels every timer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.upstream.dispose();
    this.scheduler.cancelAll();
    const l = this.listener;
    this.listener = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (l) await new Promise<void>((resolve) => l.close(() => resolve()));
    this.http.close();
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const l = createNetServer({ noDelay: true }, (socket) => this.onConnection(socket));
      l.once('error', (err) => {
        this.lastError = err;
        reject(err);
      });
      l.listen({ port: this.portNumber, host: this.host, exclusive: true }, () => {
        l.removeAllListeners('error');
        l.on('error', (err) => (this.lastError = err));
        const addr = l.address();
        if (addr !== null && typeof addr === 'object') this.portNumber = addr.port;
        this.listener = l;
        resolve();
      });
    });
  }

  private shut(): void {
    const l = this.listener;
    this.listener = null;
    l?.close();
    for (const s of this.sockets) {
      if ((s as ControlMarked).lbsimControl !== true) s.resetAndDestroy();
    }
  }

  private followRefusing(): void {
    if (this.closed) return;
    if (this.upstream.refusing) {
      if (this.listener) this.shut();
    } else if (!this.listener) {
      this.open().catch(() => {});
    }
  }

  private onConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.http.emit('connection', socket);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
      this.dispatch(req, res, '');
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => this.dispatch(req, res, body));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = req.url ?? '/';
    if (url.startsWith(CONTROL_PREFIX)) {
      (req.socket as ControlMarked).lbsimControl = true;
      handleControl(this.upstream, this.lookup, req, res, body);
      return;
    }
    const h = req.headers;
    const key = (h['idempotency-key'] ?? h['x-lbsim-key']) as string | undefined;
    const fake = requestFromHttp(req.method ?? 'GET', url, h.authorization, key, body);
    this.upstream.handle(fake, new HttpExchange(res, this));
  }

  /** @internal Runs `fn` shortly after now, on the tracked scheduler. */
  afterFlush(fn: () => void): void {
    this.scheduler.setTimer(RESET_FLUSH_MS, fn);
  }

  /** @internal */
  play(plan: Plan, target: PlayTarget): Playback {
    return playPlan(plan, this.upstream.renderer, this.scheduler, target, this.playOptions);
  }
}

const framedCache = new WeakMap<Uint8Array, Buffer>();
const CRLF = Buffer.from('\r\n');

/** A body chunk in HTTP/1.1 chunked framing; cached, since stream chunks are shared buffers. */
function framedChunk(chunk: Uint8Array): Buffer {
  let f = framedCache.get(chunk);
  if (f === undefined) {
    f = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF]);
    framedCache.set(chunk, f);
  }
  return f;
}

interface ControlMarked extends Socket {
  lbsimControl?: boolean;
}

/** One request/response: receives the plan when service starts and plays it onto the socket. */
class HttpExchange implements PlanSink, PlayTarget {
  private playback: Playback | null = null;
  private framed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly server: FakeServer,
  ) {}

  start(plan: Plan): void {
    const res = this.res;
    if (res.destroyed) return; // the client left while the request waited for a slot
    this.playback = this.server.play(plan, this);
    // Answers played at once need no watch; the others stop when the client goes away.
    if (!res.writableEnded) res.once('close', () => this.playback?.cancel());
  }

  complete(status: number, headers: HeaderMap, body: Uint8Array): void {
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  head(status: number, headers: HeaderMap): void {
    this.res.writeHead(status, headers);
    this.res.flushHeaders();
    this.framed = this.res.chunkedEncoding && this.res.socket !== null;
  }

  write(chunk: Uint8Array): void {
    // Streams write pre-framed chunks straight to the socket: one write, no per-chunk framing
    // work in http; res.end() still writes the terminating chunk.
    if (this.framed) this.res.socket!.write(framedChunk(chunk));
    else this.res.write(chunk);
  }

  end(): void {
    this.res.end();
  }

  abort(how: 'refuse' | 'reset' | 'close'): void {
    const s = this.res.socket;
    if (s === null) return;
    if (how === 'close') {
      // FIN after the bytes already written: the chunked body is left unterminated.
      s.end();
    } else if (this.res.headersSent) {
      // A reset drops unsent bytes; give the ones written a moment to leave first.
      this.server.afterFlush(() => s.resetAndDestroy());
    } else {
      s.resetAndDestroy();
    }
  }
}

/** Creates and starts a fake server. */
export async function startFakeServer(
  config: UpstreamConfig,
  opts: FakeServerOptions = {},
): Promise<FakeServer> {
  return new FakeServer(config, opts).listen();
}
