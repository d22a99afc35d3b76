import { check } from '../../core/assert.js';
import type { Scheduler, Timer } from '../../core/clock.js';
import { FifoScheduler } from '../../core/fifo-scheduler.js';
import { Rng } from '../../core/rng.js';
import type { GatewayListener } from '../../gateway/events.js';
import { fanOut } from '../../metrics/fan-out.js';
import type { Reply } from '../http1/reply.js';
import { Http1Server, type ServerRequest } from '../http1/server.js';
import { createGateway, type Gateway, type GatewayConfig } from '../../gateway/gateway.js';
import type { RequestResult } from '../../gateway/request.js';
import {
  errorJson,
  NOT_FOUND,
  SHUTTING_DOWN,
  TOO_LARGE,
  writeGatewayError,
  type GatewayErrorSpec,
} from './error-body.js';
import { Exchange, type ExchangeHost } from './exchange.js';
import { accessEntry, type AccessLogEntry } from './access-log.js';
import { ProxyMetrics } from './metrics.js';
import { httpProbe, type ProbeSpec } from './probe.js';
import { HttpTransport } from './transport.js';
import { UpstreamTarget, type ProxyUpstream } from './upstream-target.js';

export type { ProxyUpstream } from './upstream-target.js';
export type { ProbeSpec } from './probe.js';
export type { AccessLogEntry } from './access-log.js';

export interface ProxyOptions {
  /** The balancer: the order of `gateway.upstreams` numbers the upstreams. */
  gateway: GatewayConfig;
  /** How to reach each upstream named in `gateway.upstreams` (matched by name). */
  upstreams: readonly ProxyUpstream[];
  /** 127.0.0.1 (default) or ::1; any other address needs `allowRemote`. */
  host?: string;
  /** Lets the proxy listen on a non-loopback address; the caller owns the exposure. */
  allowRemote?: boolean;
  /** 0 (default): any free port. */
  port?: number;
  seed?: string;
  listener?: GatewayListener;
  /** Active health checks (when `gateway.health.active` is set). Default HEAD /v1/models. */
  probe?: ProbeSpec;
  /** Larger request bodies get 413. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Called once per client request the gateway ended (not for 404s or the gateway's own pages). */
  accessLog?: (entry: AccessLogEntry) => void;
  /** Real time by default (a FifoScheduler the proxy owns and disposes on close). */
  scheduler?: Scheduler;
}

export interface Proxy {
  /** The OpenAI base URL clients use: http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  /** Client requests at the edge that have not been answered yet. */
  readonly inflight: number;
  /** Stops listening, abandons requests in flight (503), closes every pool, timer and socket. */
  close(): Promise<void>;
  /**
   * A graceful stop, as nginx's quit or Envoy's drain: stops listening and closes idle
   * connections at once; requests in flight, streams too, go on to their end, then their
   * connections close (`connection: close` where the head had not left yet). What is still open after `graceMs` is abandoned as by `close`, which
   * follows either way. Resolves when everything is closed.
   */
  drain(graceMs: number): Promise<void>;
  /** The counters served at GET /metrics, in Prometheus' text format. */
  metrics(): string;
}

const LOOPBACK = ['127.0.0.1', '::1'];
const DEFAULT_PROBE: ProbeSpec = { method: 'HEAD', path: '/v1/models' };

/** The reference gateway as an OpenAI-compatible HTTP proxy; resolves once it listens. */
export async function createProxy(options: ProxyOptions): Promise<Proxy> {
  const proxy = new HttpProxy(options);
  await proxy.listen(options.port ?? 0);
  return proxy;
}

class HttpProxy implements Proxy, ExchangeHost {
  readonly gateway: Gateway;
  private readonly targets: UpstreamTarget[];
  private readonly server: Http1Server;
  private readonly host: string;
  private readonly open = new Set<Exchange>();
  private nextId = 0;
  private portNumber = 0;
  private closing: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private readonly scheduler: Scheduler;
  private readonly counters: ProxyMetrics;
  private readonly accessLog: ((entry: AccessLogEntry) => void) | undefined;
  private readonly startedAt: number;
  private readonly upstreamName = (i: number): string => this.targets[i]!.name;
  /** The default scheduler, made (and disposed) by this proxy; null when the caller gave one. */
  private readonly ownScheduler: FifoScheduler | null;

  constructor(o: ProxyOptions) {
    const host = o.host ?? '127.0.0.1';
    check(
      LOOPBACK.includes(host) || o.allowRemote === true,
      'host',
      host,
      'must be a loopback address (127.0.0.1 or ::1) unless allowRemote is set',
    );
    this.host = host;
    const maxBodyBytes = o.maxBodyBytes ?? 10 * 1024 * 1024;
    check(maxBodyBytes > 0, 'maxBodyBytes', maxBodyBytes, 'must be > 0');
    this.ownScheduler = o.scheduler === undefined ? new FifoScheduler() : null;
    const scheduler = o.scheduler ?? this.ownScheduler!;
    this.scheduler = scheduler;
    this.startedAt = scheduler.now();
    this.accessLog = o.accessLog;
    const byName = new Map(o.upstreams.map((u) => [u.name, u]));
    this.targets = o.gateway.upstreams.map((g, i) => {
      const u = byName.get(g.name);
      if (u === undefined)
        throw new RangeError(`upstreams: no URL for gateway upstream ${JSON.stringify(g.name)}`);
      return new UpstreamTarget(u, i, scheduler);
    });
    const rng = new Rng(o.seed ?? 'lbsim');
    this.counters = new ProxyMetrics(o.gateway.upstreams.map((u) => u.name));
    const listener = fanOut(this.counters, o.listener ?? {});
    try {
      const active = o.gateway.health?.active !== undefined;
      this.gateway = createGateway(o.gateway, {
        scheduler,
        rng,
        listener,
        transport: new HttpTransport(this.targets, scheduler),
        probe: active ? httpProbe(this.targets, o.probe ?? DEFAULT_PROBE) : undefined,
      });
    } catch (err) {
      for (const t of this.targets) void t.pool.destroy();
      throw err;
    }
    this.server = new Http1Server(this.onRequest, { scheduler, maxBodyBytes, errorBody });
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.portNumber}/v1`;
  }

  get port(): number {
    return this.portNumber;
  }

  get inflight(): number {
    return this.open.size;
  }

  async listen(port: number): Promise<void> {
    try {
      this.portNumber = await this.server.listen(port, this.host);
    } catch (err) {
      await this.close();
      throw err;
    }
    this.gateway.start();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  drain(graceMs: number): Promise<void> {
    this.draining ??= this.drainThenClose(graceMs);
    return this.draining;
  }

  private async drainThenClose(graceMs: number): Promise<void> {
    if (this.closing === null && graceMs > 0) {
      let timer!: Timer;
      const graceOver = new Promise<void>((resolve) => {
        timer = this.scheduler.setTimer(graceMs, resolve);
      });
      await Promise.race([this.server.drain(), graceOver]);
      timer.cancel();
    }
    await this.close();
  }

  private async shutdown(): Promise<void> {
    const closed = this.server.close();
    for (const ex of [...this.open]) ex.shutdown();
    this.gateway.dispose();
    await Promise.all(this.targets.map((t) => t.pool.destroy()));
    this.server.destroyAll();
    await closed;
    this.ownScheduler?.dispose();
  }

  metrics(): string {
    const availability = this.gateway.availability;
    return this.counters.render({
      inflight: this.open.size,
      available: (i) => availability.mask[i] === 1,
    });
  }

  /**
   * GET /metrics (Prometheus) and GET /healthz: 200 while some upstream is in rotation, else 503
   * (also while draining or closing),
   * so a load balancer in front takes out a gateway with nowhere to send traffic (HAProxy's
   * `monitor fail if { nbsrv lt 1 }`).
   */
  private serveOwn(path: string, res: Reply): void {
    let status = 200;
    let body: string;
    let type = 'application/json';
    if (path === '/metrics') {
      body = this.metrics();
      type = 'text/plain; version=0.0.4; charset=utf-8';
    } else {
      const stopping = this.draining !== null || this.closing !== null;
      const up = this.gateway.availability.eligibleCount() > 0;
      if (stopping || !up) status = 503;
      body = JSON.stringify({ status: stopping ? 'draining' : up ? 'ok' : 'no_upstream' });
    }
    const buf = Buffer.from(body);
    res.writeHead(status, [
      'content-type',
      type,
      'content-length',
      String(buf.length),
      'cache-control',
      'no-store',
    ]);
    res.end(buf);
  }

  release(ex: Exchange, result: RequestResult | null): void {
    this.open.delete(ex);
    if (this.accessLog !== undefined && result !== null)
      this.accessLog(accessEntry(ex, result, this.upstreamName, this.startedAt));
  }

  private readonly onRequest = (req: ServerRequest, res: Reply): void => {
    const url = req.target;
    if (
      (url === '/metrics' || url === '/healthz') &&
      (req.method === 'GET' || req.method === 'HEAD')
    ) {
      this.serveOwn(url, res);
      return;
    }
    if (this.closing !== null || !(url.startsWith('/v1/') || url === '/v1')) {
      writeGatewayError(res, this.closing !== null ? SHUTTING_DOWN : NOT_FOUND);
      return;
    }
    const ex = new Exchange(++this.nextId, req.method, url.slice(3), req, res, this);
    this.open.add(ex);
    res.onClose = () => ex.clientGone();
    ex.setBody(req.body);
    ex.handle = this.gateway.dispatcher.dispatch(ex, ex.done);
  };
}

/** The server's own protocol errors (400, 408, 413, 431, ...) in OpenAI's error shape. */
function errorBody(status: number, message: string): Buffer {
  if (status === 413) return errorJson(TOO_LARGE);
  const spec: GatewayErrorSpec = {
    status,
    type: 'invalid_request_error',
    code: 'bad_request',
    message: `The gateway could not read the request: ${message}.`,
  };
  return errorJson(spec);
}
