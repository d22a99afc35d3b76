import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { Scheduler, Timer } from '../../../src/core/clock.js';
import { realScheduler } from '../../../src/core/real-scheduler.js';
import type { Flow, ResponseHandler } from '../../../src/live/http1/pool.js';
import {
  Http1Server,
  type Http1ServerOptions,
  type RequestHandler,
} from '../../../src/live/http1/server.js';

export const HOST = '127.0.0.1';

export { sleep };

/** Runs registered teardown steps, last registered first; call `run` from afterEach. */
export class Cleanup {
  private steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    const steps = this.steps.reverse();
    this.steps = [];
    for (const s of steps) await s();
  }
}

/** realScheduler, counting the timers set and not yet fired or cancelled. */
export interface CountingScheduler {
  scheduler: Scheduler;
  readonly live: number;
  readonly set: number;
}

export function countingScheduler(base: Scheduler = realScheduler): CountingScheduler {
  let live = 0;
  let set = 0;
  const scheduler: Scheduler = {
    now: () => base.now(),
    setTimer(ms: number, fn: () => void): Timer {
      let over = false;
      live++;
      set++;
      const t = base.setTimer(ms, () => {
        if (!over) {
          over = true;
          live--;
        }
        fn();
      });
      return {
        cancel(): void {
          if (!over) {
            over = true;
            live--;
          }
          t.cancel();
        },
      };
    },
  };
  return {
    scheduler,
    get live() {
      return live;
    },
    get set() {
      return set;
    },
  };
}

/** Polls `cond` until it holds; the test's own timeout is the only upper bound. */
export async function waitUntil(cond: () => boolean, everyMs = 10): Promise<void> {
  while (!cond()) await sleep(everyMs);
}

export function errorBody(status: number, message: string): Buffer {
  return Buffer.from(JSON.stringify({ error: { status, message } }));
}

/** Answers every request with its own body; the method and target come back as headers. */
export const echo: RequestHandler = (req, reply) => {
  reply.writeHead(200, [
    'content-type',
    'application/octet-stream',
    'content-length',
    String(req.body.length),
    'x-method',
    req.method,
    'x-target',
    req.target,
  ]);
  reply.end(req.body);
};

export interface StartedServer {
  server: Http1Server;
  port: number;
  url: string;
  timers: CountingScheduler;
}

export async function startHttp1Server(
  cleanup: Cleanup,
  handler: RequestHandler = echo,
  options: Partial<Omit<Http1ServerOptions, 'scheduler'>> = {},
): Promise<StartedServer> {
  const timers = countingScheduler();
  const server = new Http1Server(handler, {
    scheduler: timers.scheduler,
    maxBodyBytes: 1024 * 1024,
    errorBody,
    ...options,
  });
  const port = await server.listen(0, HOST);
  cleanup.add(async () => {
    server.destroyAll();
    await server.close();
    await waitUntil(() => server.connections === 0);
    // Whatever the test did, the server must not leave a timer behind.
    expect(timers.live, 'timers left behind by the server').toBe(0);
  });
  return { server, port, url: `http://${HOST}:${port}`, timers };
}

/** A raw TCP client that keeps everything it received. */
export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  private waiters: (() => void)[] = [];
  ended = false;
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
    this.whenClosed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static async open(cleanup: Cleanup, port: number): Promise<RawClient> {
    const socket = connect({ host: HOST, port });
    const c = new RawClient(socket);
    cleanup.add(() => {
      socket.destroy();
      return c.whenClosed;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return c;
  }

  get received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  /** Resolves once `cond` holds for what was received, or rejects if the peer closed first. */
  async waitFor(cond: (received: Buffer) => boolean): Promise<Buffer> {
    for (;;) {
      const buf = this.received;
      if (cond(buf)) return buf;
      if (this.ended || this.closed)
        throw new Error(`connection ended first; received: ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits for `n` complete responses (see parseResponses). */
  async responses(n: number, methods: string[] = []): Promise<RawResponse[]> {
    await this.waitFor((buf) => parseResponses(buf, methods).length >= n);
    return parseResponses(this.received, methods);
  }

  /** Everything received by the time the peer ended the connection. */
  async untilEnd(): Promise<Buffer> {
    while (!this.ended && !this.closed)
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Sends `data` on a fresh connection and returns every byte received until the server ends it. */
export async function rawExchange(
  cleanup: Cleanup,
  port: number,
  data: string | Buffer,
): Promise<RawClient> {
  const c = await RawClient.open(cleanup, port);
  await c.write(data);
  await c.untilEnd();
  return c;
}

export interface RawResponse {
  statusLine: string;
  status: number;
  /** Lower-cased names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The body's framing on the wire. */
  framing: 'none' | 'length' | 'chunked' | 'close';
}

/**
 * A small, independent HTTP/1.x response reader for checking what a server wrote: returns the
 * responses complete in `buf`. `methods[i]` is the method of the i-th request ('HEAD' matters);
 * a body without length is complete only if `ended`.
 */
export function parseResponses(buf: Buffer, methods: string[] = [], ended = false): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) return out;
    const lines = buf.toString('latin1', at, end).split('\r\n');
    const statusLine = lines[0]!;
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      const name = l.slice(0, c).toLowerCase();
      const value = l.slice(c + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let p = end + 4;
    if (status >= 100 && status < 200) {
      at = p;
      continue; // informational: not counted
    }
    const method = methods[out.length] ?? 'GET';
    let body: Buffer;
    let framing: RawResponse['framing'];
    if (method === 'HEAD' || status === 204 || status === 304) {
      body = Buffer.alloc(0);
      framing = 'none';
    } else if (headers['transfer-encoding'] === 'chunked') {
      framing = 'chunked';
      const parts: Buffer[] = [];
      for (;;) {
        const nl = buf.indexOf('\r\n', p, 'latin1');
        if (nl < 0) return out;
        const size = parseInt(buf.toString('latin1', p, nl).split(';')[0]!, 16);
        if (Number.isNaN(size)) throw new Error('test reader: bad chunk size');
        p = nl + 2;
        if (size === 0) {
          // trailers up to an empty line
          for (;;) {
            const tl = buf.indexOf('\r\n', p, 'latin1');
            if (tl < 0) return out;
            const empty = tl === p;
            p = tl + 2;
            if (empty) break;
          }
          break;
        }
        if (buf.length < p + size + 2) return out;
        parts.push(buf.subarray(p, p + size));
        if (buf.toString('latin1', p + size, p + size + 2) !== '\r\n')
          throw new Error('test reader: chunk not followed by CRLF');
        p += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      framing = 'length';
      const n = Number(headers['content-length']);
      if (buf.length < p + n) return out;
      body = buf.subarray(p, p + n);
      p += n;
    } else {
      framing = 'close';
      if (!ended) return out;
      body = buf.subarray(p);
      p = buf.length;
    }
    out.push({ statusLine, status, headers, body, framing });
    at = p;
  }
}

/** A node:http server on 127.0.0.1; counts the connections it accepted. */
export interface NodeServer {
  server: ReturnType<typeof createHttpServer>;
  port: number;
  url: string;
  readonly accepted: number;
  sockets: Set<Socket>;
}

/**
 * Listens on 127.0.0.1, counting and tracking the connections `server` accepts; the cleanup
 * destroys them and closes the server.
 */
async function listenTracked(
  cleanup: Cleanup,
  server: Server,
): Promise<{ port: number; url: string; readonly accepted: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${HOST}:${port}`,
    get accepted() {
      return accepted;
    },
    sockets,
  };
}

export async function startNodeServer(
  cleanup: Cleanup,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<NodeServer> {
  const server = createHttpServer(listener);
  // The server joins the tracked listener's object, its live `accepted` getter kept.
  return Object.assign(await listenTracked(cleanup, server), { server });
}

/** A raw TCP server on 127.0.0.1 for upstreams node:http cannot imitate. */
export interface RawServer {
  server: Server;
  port: number;
  url: string;
  readonly accepted: number;
  sockets: Set<Socket>;
}

export async function startRawServer(
  cleanup: Cleanup,
  onSocket: (socket: Socket) => void,
): Promise<RawServer> {
  const server = createNetServer(onSocket);
  // The server joins the tracked listener's object, its live `accepted` getter kept.
  return Object.assign(await listenTracked(cleanup, server), { server });
}

/** Calls `onRequest` with each request head (text up to CRLF CRLF) a raw upstream receives. */
export function onRequestHeads(socket: Socket, onRequest: (head: string) => void): void {
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      onRequest(head);
    }
  });
}

/** What a pool request's handler heard, in order. */
export interface PoolOutcome {
  events: string[];
  status: number | null;
  /** The response's header lines as onHeaders got them. */
  fields: string;
  body: Buffer;
  error: (Error & { code?: string }) | null;
}

export interface Collector {
  handler: ResponseHandler;
  done: Promise<PoolOutcome>;
  outcome: PoolOutcome;
  /** The abort function handed to onConnect. */
  abort: ((err: Error) => void) | null;
  /** The flow control handed to onConnect. */
  flow: Flow | null;
}

/** A ResponseHandler that records its calls; `hooks` let a test act at each step. */
export function collector(
  hooks: {
    onHeaders?: (c: Collector) => void;
    onData?: (c: Collector, chunk: Buffer) => void;
  } = {},
): Collector {
  const parts: Buffer[] = [];
  const outcome: PoolOutcome = {
    events: [],
    status: null,
    fields: '',
    body: Buffer.alloc(0),
    error: null,
  };
  let finish!: (o: PoolOutcome) => void;
  const done = new Promise<PoolOutcome>((resolve) => (finish = resolve));
  const c: Collector = {
    done,
    outcome,
    abort: null,
    flow: null,
    handler: {
      onConnect(abort, flow) {
        outcome.events.push('connect');
        c.abort = abort;
        c.flow = flow;
      },
      onHeaders(status, fields) {
        outcome.events.push('headers');
        outcome.status = status;
        outcome.fields = fields;
        hooks.onHeaders?.(c);
      },
      onData(chunk) {
        outcome.events.push('data');
        parts.push(Buffer.from(chunk));
        outcome.body = Buffer.concat(parts);
        hooks.onData?.(c, chunk);
      },
      onComplete() {
        outcome.events.push('complete');
        finish(outcome);
      },
      onError(err) {
        outcome.events.push('error');
        outcome.error = err;
        finish(outcome);
      },
    },
  };
  return c;
}

/** The first value of header `name` (lower case) in a block of header lines, trimmed. */
export function header(fields: string, name: string): string | undefined {
  for (const line of fields.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0 && line.slice(0, c).toLowerCase() === name) return line.slice(c + 1).trim();
  }
  return undefined;
}

/** A request as bytes: start line, `host: t`, the given header lines, then the body. */
export function request(
  start: string,
  headers: string[] = [],
  body = '',
  host: string | null = 't',
): string {
  const lines = host === null ? headers : [`host: ${host}`, ...headers];
  return `${start}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n${body}`;
}

/** The event sequence a request must follow: connect, headers, data*, then one terminal event. */
export function wellOrdered(events: string[]): boolean {
  return /^connect(,headers(,data)*)?,(complete|error)$/.test(events.join(','));
}

/**
 * A self-signed certificate for 127.0.0.1 made with openssl, or null when openssl is missing.
 */
export function selfSignedCert(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-http1-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null; // no openssl
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a connection to `port` is refused or hung up on at once (a server that stopped accepting). */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: HOST, port });
    s.once('connect', () => {
      // Accepted by the kernel's backlog at most: the server must hang up at once.
      s.once('close', () => resolve(true));
      s.setTimeout(2000, () => {
        s.destroy();
        resolve(false);
      });
    });
    s.once('error', () => resolve(true));
  });
}
