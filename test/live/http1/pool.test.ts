import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool, type PoolOptions, type RequestSpec } from '../../../src/live/http1/pool.js';
import { HttpProtocolError } from '../../../src/live/http1/protocol-error.js';
import {
  Cleanup,
  HOST,
  collector,
  countingScheduler,
  header,
  onRequestHeads,
  selfSignedCert,
  sleep,
  startNodeServer,
  startRawServer,
  waitUntil,
  wellOrdered,
  type Collector,
  type PoolOutcome,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Answers with what it received, as JSON. */
function echoListener(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (d: Buffer) => parts.push(d));
  req.on('end', () => {
    const seen: Seen = {
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(parts).toString(),
    };
    const body = JSON.stringify(seen);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}

function startPool(
  url: string,
  options: Partial<PoolOptions> = {},
): { pool: Http1Pool; timers: ReturnType<typeof countingScheduler> } {
  const timers = countingScheduler();
  const pool = new Http1Pool(new URL(url), { scheduler: timers.scheduler, ...options });
  cleanup.add(async () => {
    await pool.destroy();
    expect(pool.size).toBe(0);
    expect(timers.live, 'timers left behind by the pool').toBe(0);
  });
  return { pool, timers };
}

function send(
  pool: Http1Pool,
  spec: Partial<RequestSpec> = {},
  hooks: Parameters<typeof collector>[0] = {},
): Collector {
  const c = collector(hooks);
  pool.dispatch({ method: 'GET', path: '/', fields: '', body: null, ...spec }, c.handler);
  return c;
}

/** A completed request's outcome, checked for order and success. */
async function ok(c: Collector): Promise<PoolOutcome> {
  const o = await c.done;
  expect(o.error).toBeNull();
  expect(wellOrdered(o.events), o.events.join(',')).toBe(true);
  expect(o.events.at(-1)).toBe('complete');
  return o;
}

/** A failed request's outcome, checked for order. */
async function failed(c: Collector): Promise<PoolOutcome & { error: Error & { code?: string } }> {
  const o = await c.done;
  expect(o.error, `events: ${o.events.join(',')}`).not.toBeNull();
  expect(wellOrdered(o.events), o.events.join(',')).toBe(true);
  return o as PoolOutcome & { error: Error & { code?: string } };
}

const json = (o: PoolOutcome): Seen => JSON.parse(o.body.toString()) as Seen;

/** A port nothing listens on: taken from a server that was closed. */
async function deadPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, HOST, resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('Http1Pool: requests and responses', () => {
  it('a GET without body: host set, no content-length', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool } = startPool(up.url);
    const o = await ok(send(pool, { path: '/v1/models?x=1', fields: 'X-Custom: a b\r\n' }));
    expect(o.status).toBe(200);
    expect(header(o.fields, 'content-type')).toBe('application/json');
    const seen = json(o);
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/v1/models?x=1');
    expect(seen.headers.host).toBe(`${HOST}:${up.port}`);
    expect(seen.headers['x-custom']).toBe('a b');
    expect(seen.headers['content-length']).toBeUndefined();
    expect(seen.headers['transfer-encoding']).toBeUndefined();
  });

  it('a POST with a body sends it with its content-length', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool } = startPool(up.url);
    const body = Buffer.from(JSON.stringify({ model: 'm', messages: ['é', 'x'.repeat(5000)] }));
    const seen = json(await ok(send(pool, { method: 'POST', path: '/v1/chat', body })));
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-length']).toBe(String(body.length));
    expect(seen.body).toBe(body.toString());
  });

  it('a POST without a body says content-length: 0', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool } = startPool(up.url);
    const seen = json(await ok(send(pool, { method: 'POST', body: null })));
    expect(seen.headers['content-length']).toBe('0');
    expect(seen.body).toBe('');
  });

  it('reuses one keep-alive connection for requests in turn', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool } = startPool(up.url);
    for (let i = 0; i < 5; i++) {
      const seen = json(await ok(send(pool, { path: `/${i}` })));
      expect(seen.url).toBe(`/${i}`);
      expect(pool.size).toBe(1);
    }
    expect(up.accepted).toBe(1);
  });

  it('the next request may be sent from onComplete on the same connection', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool } = startPool(up.url);
    const first = collector();
    let second: Collector | null = null;
    const onComplete = first.handler.onComplete.bind(first.handler);
    first.handler.onComplete = () => {
      onComplete();
      second = send(pool, { path: '/second' });
    };
    pool.dispatch({ method: 'GET', path: '/first', fields: '', body: null }, first.handler);
    await ok(first);
    await waitUntil(() => second !== null);
    expect(json(await ok(second!)).url).toBe('/second');
    expect(up.accepted).toBe(1);
  });

  it('concurrent requests open more connections, then reuse them', async () => {
    const waiting: ServerResponse[] = [];
    const up = await startNodeServer(cleanup, (req, res) => {
      waiting.push(res);
      req.resume();
    });
    const { pool } = startPool(up.url);
    const cs = [0, 1, 2].map((i) => send(pool, { path: `/${i}` }));
    await waitUntil(() => waiting.length === 3);
    expect(pool.size).toBe(3);
    expect(up.accepted).toBe(3);
    for (const res of waiting.splice(0)) res.end('done');
    for (const c of cs) expect((await ok(c)).body.toString()).toBe('done');
    const again = [0, 1, 2].map(() => send(pool));
    await waitUntil(() => waiting.length === 3);
    for (const res of waiting.splice(0)) res.end('again');
    for (const c of again) await ok(c);
    expect(up.accepted).toBe(3);
    expect(pool.size).toBe(3);
  });

  it('decodes a chunked response', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      void (async () => {
        await sleep(5);
        res.write('data: 2\n\n');
        await sleep(5);
        res.end('data: [DONE]\n\n');
      })();
    });
    const { pool } = startPool(up.url);
    const o = await ok(send(pool));
    expect(header(o.fields, 'transfer-encoding')).toBe('chunked');
    expect(o.body.toString()).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n');
    // The connection is reused after a chunked answer.
    await ok(send(pool));
    expect(up.accepted).toBe(1);
  });

  it('reads a response that arrives a few bytes at a time', async () => {
    const wire =
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-a: 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => {
        void (async () => {
          for (let i = 0; i < wire.length; i += 3) {
            s.write(wire.slice(i, i + 3));
            await sleep(1);
          }
        })();
      }),
    );
    const { pool } = startPool(up.url);
    const o = await ok(send(pool));
    expect(o.body.toString()).toBe('hello');
    expect(o.fields).toBe('transfer-encoding: chunked\r\nx-a: 1');
  });

  it('a close-delimited response (no length, then close) completes', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nhello ');
        void sleep(5).then(() => s.end('world'));
      }),
    );
    const { pool } = startPool(up.url);
    const o = await ok(send(pool));
    expect(o.body.toString()).toBe('hello world');
    await waitUntil(() => pool.size === 0);
    // The next request needs a new connection.
    await ok(send(pool));
    expect(up.accepted).toBe(2);
  });

  it('an HTTP/1.0 answer without keep-alive is not reused', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok')),
    );
    const { pool } = startPool(up.url);
    expect((await ok(send(pool))).body.toString()).toBe('ok');
    await ok(send(pool));
    expect(up.accepted).toBe(2);
  });

  it('connection: close in an answer means a new connection next time', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const { pool } = startPool(up.url);
    expect((await ok(send(pool))).body.toString()).toBe('bye');
    expect((await ok(send(pool))).body.toString()).toBe('bye');
    expect(up.accepted).toBe(2);
  });

  it('HEAD: the answer has no body whatever its content-length says; the connection is reused', async () => {
    const up = await startNodeServer(cleanup, (req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.end(req.method === 'HEAD' ? undefined : 'x'.repeat(100));
    });
    const { pool } = startPool(up.url);
    const h = await ok(send(pool, { method: 'HEAD' }));
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
    expect(h.events).toEqual(['connect', 'headers', 'complete']);
    const g = await ok(send(pool));
    expect(g.body.length).toBe(100);
    expect(up.accepted).toBe(1);
  });

  it('a 304 carrying the content-length of the resource: no data, complete', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 100\r\n\r\n')),
    );
    const { pool } = startPool(up.url);
    const o = await ok(send(pool));
    expect(o.status).toBe(304);
    expect(o.events).toEqual(['connect', 'headers', 'complete']);
    await ok(send(pool));
    expect(up.accepted).toBe(1);
  });

  it('a HEAD answered with a body anyway: the bytes are not delivered, the connection not reused', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello')),
    );
    const { pool } = startPool(up.url);
    const o = await ok(send(pool, { method: 'HEAD' }));
    expect(o.events).toEqual(['connect', 'headers', 'complete']);
    expect(o.body.toString()).toBe('');
    await waitUntil(() => pool.size === 0);
  });

  it('204 and 304 answers complete without a body', async () => {
    const up = await startNodeServer(cleanup, (req, res) => {
      res.writeHead(req.url === '/204' ? 204 : 304);
      res.end();
    });
    const { pool } = startPool(up.url);
    expect((await ok(send(pool, { path: '/204' }))).status).toBe(204);
    expect((await ok(send(pool, { path: '/304' }))).status).toBe(304);
    expect(up.accepted).toBe(1);
  });

  it('skips 1xx answers before the final one', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => {
        void (async () => {
          s.write('HTTP/1.1 100 Continue\r\n\r\n');
          await sleep(5);
          s.write(
            'HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 102 Pro',
          );
          await sleep(5);
          s.write('cessing\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok');
        })();
      }),
    );
    const { pool } = startPool(up.url);
    const o = await ok(send(pool, { method: 'POST', body: Buffer.from('x') }));
    expect(o.status).toBe(201);
    expect(o.events.filter((e) => e === 'headers').length).toBe(1);
    expect(o.fields).toBe('content-length: 2');
    expect(o.body.toString()).toBe('ok');
  });

  it('skips early hints from node:http', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => {
      res.writeEarlyHints({ link: '</x.js>; rel=preload' });
      res.end('final');
    });
    const { pool } = startPool(up.url);
    const o = await ok(send(pool));
    expect(o.status).toBe(200);
    expect(o.body.toString()).toBe('final');
  });
});

describe('Http1Pool: failures', () => {
  it('abort(err) mid-response: onError with that error, the connection is dropped', async () => {
    let serverSocketClosed = false;
    const up = await startNodeServer(cleanup, (req, res) => {
      if (req.url === '/after') return void res.end('fine');
      req.socket.once('close', () => (serverSocketClosed = true));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first piece');
      // and never ends
    });
    const { pool } = startPool(up.url);
    const stop = new Error('client went away');
    const c = send(pool, {}, { onData: (col) => col.abort!(stop) });
    const o = await failed(c);
    expect(o.error).toBe(stop);
    expect(o.events).toEqual(['connect', 'headers', 'data', 'error']);
    expect(o.body.toString()).toBe('first piece');
    await waitUntil(() => pool.size === 0);
    await waitUntil(() => serverSocketClosed);
    // The pool still works: a new connection.
    expect((await ok(send(pool, { path: '/after' }))).body.toString()).toBe('fine');
    expect(up.accepted).toBe(2);
  });

  it('abort(err) from onHeaders: no data is delivered', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => res.end('body'));
    const { pool } = startPool(up.url);
    const stop = new Error('stop');
    const o = await failed(send(pool, {}, { onHeaders: (col) => col.abort!(stop) }));
    expect(o.error).toBe(stop);
    expect(o.events).toEqual(['connect', 'headers', 'error']);
    await waitUntil(() => pool.size === 0);
  });

  it('abort(err) inside onConnect: nothing is sent, onError follows', async () => {
    let requests = 0;
    const up = await startNodeServer(cleanup, (_req, res) => {
      requests++;
      res.end();
    });
    const { pool } = startPool(up.url);
    const stop = new Error('never mind');
    const c = collector();
    pool.dispatch(
      { method: 'GET', path: '/', fields: '', body: null },
      {
        ...c.handler,
        onConnect(abort, flow) {
          c.handler.onConnect(abort, flow);
          abort(stop);
        },
      },
    );
    const o = await failed(c);
    expect(o.error).toBe(stop);
    expect(o.events).toEqual(['connect', 'error']);
    await waitUntil(() => pool.size === 0);
    await sleep(20);
    expect(requests).toBe(0);
  });

  it('flow.pause() stops the answer until flow.resume()', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => {
      res.writeHead(200, { 'content-length': 12 });
      res.write('first,');
      void sleep(30).then(() => res.end('second'));
    });
    const { pool } = startPool(up.url);
    const c = send(pool, {}, { onData: (col) => col.flow!.pause() });
    await waitUntil(() => c.outcome.events.includes('data'));
    await sleep(150);
    expect(c.outcome.body.toString()).toBe('first,');
    expect(c.outcome.events).not.toContain('complete');
    c.flow!.resume();
    const o = await ok(c);
    expect(o.body.toString()).toBe('first,second');
    // Resumed before going back to the pool: the next request on it is read.
    expect((await ok(send(pool))).status).toBe(200);
    expect(pool.size).toBe(1);
  });

  it('abort after the end is a no-op', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => res.end('x'));
    const { pool } = startPool(up.url);
    const c = send(pool);
    await ok(c);
    c.abort!(new Error('late'));
    expect(c.outcome.events.at(-1)).toBe('complete');
    expect(c.outcome.error).toBeNull();
    expect(pool.size).toBe(1);
  });

  it('upstream closing mid-body: onError LBSIM_UPSTREAM_CLOSED or ECONNRESET', async () => {
    const up = await startNodeServer(cleanup, (_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('only a part');
      void sleep(5).then(() => res.socket?.destroy());
    });
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(['LBSIM_UPSTREAM_CLOSED', 'ECONNRESET']).toContain(o.error.code);
    expect(o.events.slice(0, 3)).toEqual(['connect', 'headers', 'data']);
    await waitUntil(() => pool.size === 0);
  });

  it('upstream closing mid-chunked-body: onError, not onComplete', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => {
        s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel');
        void sleep(5).then(() => s.end());
      }),
    );
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(['LBSIM_UPSTREAM_CLOSED', 'ECONNRESET']).toContain(o.error.code);
    expect(o.body.toString()).toBe('hel');
  });

  it('upstream closing before answering: onError without headers', async () => {
    const up = await startRawServer(cleanup, (s) => onRequestHeads(s, () => s.end()));
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(['LBSIM_UPSTREAM_CLOSED', 'ECONNRESET']).toContain(o.error.code);
    expect(o.events).toEqual(['connect', 'error']);
  });

  it('connection refused: onError ECONNREFUSED', async () => {
    const port = await deadPort();
    const { pool } = startPool(`http://${HOST}:${port}`);
    const o = await failed(send(pool));
    expect(o.error.code).toBe('ECONNREFUSED');
    expect(o.events).toEqual(['connect', 'error']);
    await waitUntil(() => pool.size === 0);
  });

  it('an upstream that accepts but never completes the TLS handshake: LBSIM_CONNECT_TIMEOUT', async () => {
    const up = await startRawServer(cleanup, () => {}); // accepts, says nothing
    const { pool } = startPool(`https://${HOST}:${up.port}`, { connectTimeoutMs: 200 });
    const started = performance.now();
    const o = await failed(send(pool));
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(o.error.code).toBe('LBSIM_CONNECT_TIMEOUT');
    expect(o.events).toEqual(['connect', 'error']);
    await waitUntil(() => pool.size === 0);
  });

  it('a malformed status line: onError with a protocol error; the connection is dropped', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write('HTTP/9 OK\r\ncontent-length: 0\r\n\r\n')),
    );
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(o.error).toBeInstanceOf(HttpProtocolError);
    expect(o.error.code).toBe('LBSIM_HTTP_PROTOCOL');
    await waitUntil(() => pool.size === 0);
  });

  it('ambiguous framing (content-length and chunked): onError', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () =>
        s.write(
          'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
        ),
      ),
    );
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(o.error.code).toBe('LBSIM_HTTP_PROTOCOL');
    expect(o.events).toEqual(['connect', 'error']);
  });

  it('a bad chunk in the body: onError after the good data', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () =>
        s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n'),
      ),
    );
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(o.error.code).toBe('LBSIM_HTTP_PROTOCOL');
    expect(o.body.toString()).toBe('abc');
    await waitUntil(() => pool.size === 0);
  });

  it('a response head over 64 KB: onError LBSIM_HTTP_PROTOCOL', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}`)),
    );
    const { pool } = startPool(up.url);
    const o = await failed(send(pool));
    expect(o.error.code).toBe('LBSIM_HTTP_PROTOCOL');
    await waitUntil(() => pool.size === 0);
  });

  it('more bytes than the answer: the answer completes, the connection is not reused', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA')),
    );
    const { pool } = startPool(up.url);
    expect((await ok(send(pool))).body.toString()).toBe('ok');
    await waitUntil(() => pool.size === 0);
    expect((await ok(send(pool))).body.toString()).toBe('ok');
    expect(up.accepted).toBe(2);
  });

  it('bytes nobody asked for on an idle connection: it is dropped, not reused', async () => {
    const up = await startRawServer(cleanup, (s) =>
      onRequestHeads(s, () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        void sleep(10).then(() => s.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstale'));
      }),
    );
    const { pool } = startPool(up.url);
    await ok(send(pool));
    await waitUntil(() => pool.size === 0);
    expect((await ok(send(pool))).body.toString()).toBe('ok');
    expect(up.accepted).toBe(2);
  });

  it('destroy(): requests in flight end with onError; size 0; later dispatches fail at once', async () => {
    const up = await startNodeServer(cleanup, (req) => req.resume()); // never answers
    const { pool, timers } = startPool(up.url);
    const cs = [send(pool), send(pool, { method: 'POST', body: Buffer.from('x') })];
    await waitUntil(() => up.sockets.size === 2);
    await pool.destroy();
    expect(pool.size).toBe(0);
    expect(timers.live).toBe(0);
    for (const c of cs) {
      const o = await failed(c);
      expect(o.events).toEqual(['connect', 'error']);
    }
    const late = await failed(send(pool));
    expect(late.error.code).toBe('LBSIM_POOL_CLOSED');
    expect(late.events).toEqual(['connect', 'error']);
    expect(pool.size).toBe(0);
  });

  it('destroy() while a TLS handshake is pending: onError, and the connect timer is gone', async () => {
    const up = await startRawServer(cleanup, () => {}); // accepts, says nothing
    const { pool, timers } = startPool(`https://${HOST}:${up.port}`, {
      connectTimeoutMs: 60_000,
    });
    const c = send(pool);
    await waitUntil(() => up.accepted === 1);
    expect(timers.live).toBeGreaterThan(0);
    await pool.destroy();
    expect(timers.live).toBe(0);
    expect(pool.size).toBe(0);
    const o = await failed(c);
    expect(o.events).toEqual(['connect', 'error']);
  });

  it('destroy() closes idle connections too and leaves no timer', async () => {
    const up = await startNodeServer(cleanup, echoListener);
    const { pool, timers } = startPool(up.url);
    await ok(send(pool));
    await ok(send(pool));
    expect(pool.size).toBe(1);
    await pool.destroy();
    expect(pool.size).toBe(0);
    expect(timers.live).toBe(0);
    await waitUntil(() => up.sockets.size === 0);
  });
});

describe('Http1Pool: idle connections', () => {
  /** An upstream that never closes a connection itself, with an optional keep-alive hint. */
  const patient = (hint: string | null) =>
    startRawServer(cleanup, (s) =>
      onRequestHeads(s, () =>
        s.write(
          `HTTP/1.1 200 OK\r\ncontent-length: 2\r\n${hint === null ? '' : `keep-alive: ${hint}\r\n`}\r\nok`,
        ),
      ),
    );

  it('an idle connection is closed after keepAliveMs, not before', async () => {
    const up = await patient(null);
    const { pool } = startPool(up.url, { keepAliveMs: 300 });
    const sent = performance.now();
    await ok(send(pool));
    expect(pool.size).toBe(1);
    await waitUntil(() => pool.size === 0);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(300);
    await waitUntil(() => up.sockets.size === 0);
  });

  it('the keep-alive: timeout=N hint shortens the idle time (to N s less a margin)', async () => {
    const hinted = await patient('timeout=2, max=100');
    const plain = await patient(null);
    const a = startPool(hinted.url, { keepAliveMs: 60_000 }).pool;
    const b = startPool(plain.url, { keepAliveMs: 60_000 }).pool;
    const sent = performance.now();
    await Promise.all([ok(send(a)), ok(send(b))]);
    await waitUntil(() => a.size === 0);
    // 2 s hint less the 1 s margin: not closed before 1 s.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(1000);
    expect(b.size).toBe(1);
    await waitUntil(() => hinted.sockets.size === 0);
  });

  it('a connection past its keep-alive expiry is not reused, even before the sweep closed it', async () => {
    // timeout=1 less the 1 s margin: the connection expires as soon as it is released.
    const up = await patient('timeout=1');
    const { pool } = startPool(up.url, { keepAliveMs: 60_000 });
    await ok(send(pool));
    await ok(send(pool));
    expect(up.accepted).toBe(2);
  });
});

describe('Http1Pool over TLS', () => {
  const cert = selfSignedCert();

  async function startHttps(): Promise<{ url: string; handshakes: () => number }> {
    let handshakes = 0;
    const server = createHttpsServer({ key: cert!.key, cert: cert!.cert }, echoListener);
    server.on('secureConnection', (_s: TLSSocket) => handshakes++);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    cleanup.add(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    return { url: `https://${HOST}:${port}`, handshakes: () => handshakes };
  }

  it.skipIf(cert === null)('trusts the certificates given as `ca`', async () => {
    const { url, handshakes } = await startHttps();
    const { pool } = startPool(url, { ca: cert!.cert });
    const seen = json(
      await ok(send(pool, { method: 'POST', path: '/tls', body: Buffer.from('secret') })),
    );
    expect(seen.body).toBe('secret');
    await ok(send(pool));
    expect(handshakes()).toBe(1);
  });

  it.skipIf(cert === null)(
    'verifies certificates by default: a self-signed one is refused',
    async () => {
      const { url } = await startHttps();
      const { pool } = startPool(url);
      const o = await failed(send(pool));
      expect(o.error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      expect(o.events).toEqual(['connect', 'error']);
      await waitUntil(() => pool.size === 0);
    },
  );

  it('openssl is available for the TLS tests', () => {
    if (cert === null) console.warn('openssl not found: the TLS tests of Http1Pool were skipped');
    expect(cert === null || cert.cert.toString().includes('BEGIN CERTIFICATE')).toBe(true);
  });
});
