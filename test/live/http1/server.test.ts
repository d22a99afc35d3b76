import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/live/http1/reply.js';
import type { RequestHandler, ServerRequest } from '../../../src/live/http1/server.js';
import {
  Cleanup,
  RawClient,
  echo,
  errorBody,
  parseResponses,
  rawExchange,
  request,
  sleep,
  startHttp1Server,
  waitUntil,
} from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Requests the handler got and their replies, for a test to answer when it wants. */
function holding(): { handler: RequestHandler; held: { req: ServerRequest; reply: Reply }[] } {
  const held: { req: ServerRequest; reply: Reply }[] = [];
  return { held, handler: (req, reply) => void held.push({ req, reply }) };
}

/** The server's error answer, complete, and the connection ended after it. */
async function expectErrorAnswer(c: RawClient, status: number): Promise<void> {
  const buf = await c.untilEnd();
  const [r, ...more] = parseResponses(buf, [], true);
  expect(r, `no answer in ${JSON.stringify(buf.toString('latin1'))}`).toBeDefined();
  expect(r!.status).toBe(status);
  expect(r!.headers['content-type']).toBe('application/json');
  expect(r!.headers.connection).toBe('close');
  expect(r!.headers.date).toMatch(IMF_FIXDATE);
  expect(JSON.parse(r!.body.toString()).error.status).toBe(status);
  expect(more).toEqual([]);
}

describe('Http1Server with fetch', () => {
  it('echoes a POST body, with a date header', async () => {
    const { url } = await startHttp1Server(cleanup);
    const res = await fetch(`${url}/v1/echo?x=1`, { method: 'POST', body: 'hello world' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello world');
    expect(res.headers.get('x-method')).toBe('POST');
    expect(res.headers.get('x-target')).toBe('/v1/echo?x=1');
    expect(res.headers.get('date')).toMatch(IMF_FIXDATE);
    expect(Math.abs(Date.parse(res.headers.get('date')!) - Date.now())).toBeLessThan(24 * 3600e3);
  });

  it('hands the handler the request headers as sent', async () => {
    let seen: string[] = [];
    const { url } = await startHttp1Server(cleanup, (req, reply) => {
      seen = req.rawHeaders;
      reply.end();
    });
    const res = await fetch(url, { headers: { 'X-Custom-Thing': 'v 1' } });
    expect(res.status).toBe(200);
    const i = seen.findIndex((n) => n.toLowerCase() === 'x-custom-thing');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(seen[i + 1]).toBe('v 1');
  });

  it('a streamed reply (no content-length, several writes) arrives chunked and decodes', async () => {
    const { url } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, ['content-type', 'text/plain']);
      reply.write(Buffer.from('data: one\n\n'));
      void (async () => {
        await sleep(5);
        reply.write(Buffer.from('data: two\n\n'));
        reply.write(Buffer.alloc(0)); // an empty write must not end the chunked body
        await sleep(5);
        reply.write(Buffer.from('data: [DONE]\n\n'));
        reply.end();
      })();
    });
    const res = await fetch(url);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    expect(await res.text()).toBe('data: one\n\ndata: two\n\ndata: [DONE]\n\n');
  });

  it('a chunked request body (streamed by fetch) reaches the handler whole', async () => {
    const { url } = await startHttp1Server(cleanup);
    const parts = ['abc', 'defgh', 'i'.repeat(1000)];
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (const p of parts) ctl.enqueue(new TextEncoder().encode(p));
        ctl.close();
      },
    });
    const res = await fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await res.text()).toBe(parts.join(''));
  });
});

describe('Http1Server over raw sockets', () => {
  it('keeps one connection for several requests in turn', async () => {
    const { server, port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    for (let i = 1; i <= 4; i++) {
      await c.write(request(`POST /r${i} HTTP/1.1`, ['content-length: 2'], `b${i}`));
      const rs = await c.responses(i);
      expect(rs[i - 1]!.status).toBe(200);
      expect(rs[i - 1]!.headers['x-target']).toBe(`/r${i}`);
      expect(rs[i - 1]!.body.toString()).toBe(`b${i}`);
      expect(rs[i - 1]!.headers.connection).toBeUndefined();
    }
    expect(c.ended).toBe(false);
    expect(server.connections).toBe(1);
  });

  it('answers pipelined requests in order, one at a time, even when answers take a while', async () => {
    let inHandler = 0;
    let overlap = false;
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      inHandler++;
      if (inHandler > 1) overlap = true;
      const delay = req.target === '/1' ? 30 : req.target === '/2' ? 10 : 0;
      void sleep(delay).then(() => {
        inHandler--;
        echo(req, reply);
      });
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(
      request('POST /1 HTTP/1.1', ['content-length: 3'], 'one') +
        request('POST /2 HTTP/1.1', ['transfer-encoding: chunked'], '3\r\ntwo\r\n0\r\n\r\n') +
        request('GET /3 HTTP/1.1') +
        request('POST /4 HTTP/1.1', ['content-length: 4'], 'four'),
    );
    const rs = await c.responses(4);
    expect(rs.map((r) => r.headers['x-target'])).toEqual(['/1', '/2', '/3', '/4']);
    expect(rs.map((r) => r.body.toString())).toEqual(['one', 'two', '', 'four']);
    expect(overlap).toBe(false);
  });

  it('answers a deep pipeline sent in one write', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    const n = 200;
    let all = '';
    for (let i = 0; i < n; i++) all += request(`POST /${i} HTTP/1.1`, ['content-length: 1'], 'x');
    await c.write(all);
    const rs = await c.responses(n);
    expect(rs.map((r) => r.headers['x-target'])).toEqual(
      Array.from({ length: n }, (_, i) => `/${i}`),
    );
  });

  it('reads on after a large pipeline paused the socket', async () => {
    let first: Reply | null = null;
    let calls = 0;
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      calls++;
      if (first === null) first = reply;
      else echo(req, reply);
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /first HTTP/1.1'));
    await waitUntil(() => first !== null);
    // ~200 KB pipelined behind a request in progress: well past what is buffered unread.
    const body = 'y'.repeat(2000);
    let all = '';
    for (let i = 0; i < 100; i++)
      all += request(`POST /${i} HTTP/1.1`, [`content-length: ${body.length}`], body);
    c.socket.write(all);
    await sleep(50);
    expect(calls).toBe(1);
    first!.writeHead(200, ['content-length', '5']);
    first!.end(Buffer.from('first'));
    const rs = await c.responses(101);
    expect(rs[0]!.body.toString()).toBe('first');
    expect(rs.slice(1).map((r) => r.headers['x-target'])).toEqual(
      Array.from({ length: 100 }, (_, i) => `/${i}`),
    );
    expect(rs.slice(1).every((r) => r.body.toString() === body)).toBe(true);
  });

  it('reads a chunked request body with extensions and trailers', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('POST /c HTTP/1.1', ['Transfer-Encoding: chunked']));
    await c.write('5;ext=1\r\nhello\r\n');
    await c.write('6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n');
    const [r] = await c.responses(1);
    expect(r!.body.toString()).toBe('hello world');
  });

  it('allows empty lines before a request line', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    await c.write('\r\n\r\n');
    await c.write(request('GET /after-blank HTTP/1.1'));
    const [r] = await c.responses(1);
    expect(r!.headers['x-target']).toBe('/after-blank');
  });

  it('Expect: 100-continue gets "HTTP/1.1 100 Continue" before the body is sent', async () => {
    let calls = 0;
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      calls++;
      echo(req, reply);
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('POST /e HTTP/1.1', ['content-length: 5', 'expect: 100-continue']));
    const interim = await c.waitFor((b) => b.includes('\r\n\r\n'));
    expect(interim.toString('latin1')).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    expect(calls).toBe(0);
    await c.write('hello');
    await c.waitFor((b) => b.toString('latin1').includes('hello'));
    const text = c.text;
    expect(text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
    const [r] = parseResponses(c.received);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('hello');
  });

  it('Expect: 100-continue with a body over the limit gets 413 and no 100', async () => {
    const { port } = await startHttp1Server(cleanup, echo, { maxBodyBytes: 10 });
    const c = await rawExchange(
      cleanup,
      port,
      request('POST / HTTP/1.1', ['content-length: 11', 'expect: 100-continue']),
    );
    expect(c.text).not.toContain('100 Continue');
    await expectErrorAnswer(c, 413);
  });

  it('413 for a content-length over maxBodyBytes; the handler never runs', async () => {
    let calls = 0;
    const { port } = await startHttp1Server(
      cleanup,
      () => {
        calls++;
      },
      { maxBodyBytes: 100 },
    );
    const c = await rawExchange(cleanup, port, request('POST / HTTP/1.1', ['content-length: 101']));
    await expectErrorAnswer(c, 413);
    expect(calls).toBe(0);
  });

  it('a body of exactly maxBodyBytes is fine', async () => {
    const { port } = await startHttp1Server(cleanup, echo, { maxBodyBytes: 100 });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('POST / HTTP/1.1', ['content-length: 100'], 'z'.repeat(100)));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.body.length).toBe(100);
  });

  it('413 for a chunked body that grows over maxBodyBytes', async () => {
    let calls = 0;
    const { port } = await startHttp1Server(
      cleanup,
      () => {
        calls++;
      },
      { maxBodyBytes: 100 },
    );
    const c = await RawClient.open(cleanup, port);
    await c.write(request('POST / HTTP/1.1', ['transfer-encoding: chunked']));
    await c.write(`50\r\n${'a'.repeat(80)}\r\n`);
    await c.write(`50\r\n${'b'.repeat(80)}\r\n`);
    await expectErrorAnswer(c, 413);
    expect(calls).toBe(0);
  });

  it('431 for a huge head, complete or not', async () => {
    const big = `x-big: ${'a'.repeat(20_000)}`;
    const c1 = await rawExchange(
      cleanup,
      (await startHttp1Server(cleanup)).port,
      request('GET / HTTP/1.1', [big]),
    );
    await expectErrorAnswer(c1, 431);
    // No end of head in sight, only more bytes.
    const c2 = await rawExchange(
      cleanup,
      (await startHttp1Server(cleanup)).port,
      `GET / HTTP/1.1\r\nhost: t\r\n${big}`,
    );
    await expectErrorAnswer(c2, 431);
  });

  it('a head just under the limit is served', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1', [`x-big: ${'a'.repeat(15_000)}`]));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
  });

  it.each([
    ['garbage', 'hello there\r\n\r\n', 400],
    ['bare LF', 'GET / HTTP/1.1\nhost: t\n\n\r\n\r\n', 400],
    ['no host', 'GET / HTTP/1.1\r\n\r\n', 400],
    [
      'CL and TE',
      request('POST / HTTP/1.1', ['content-length: 3', 'transfer-encoding: chunked']),
      400,
    ],
    ['TE gzip', request('POST / HTTP/1.1', ['transfer-encoding: gzip']), 501],
    ['HTTP/2.0', request('GET / HTTP/2.0'), 505],
    ['expectation', request('POST / HTTP/1.1', ['expect: magic']), 417],
    ['bad chunk', request('POST / HTTP/1.1', ['transfer-encoding: chunked'], 'zz\r\n'), 400],
  ])('%s gets its error status and the connection closes', async (_name, wire, status) => {
    let calls = 0;
    const { port } = await startHttp1Server(cleanup, () => {
      calls++;
    });
    const c = await rawExchange(cleanup, port, wire);
    await expectErrorAnswer(c, status);
    expect(calls).toBe(0);
  });

  it('an error after good pipelined requests comes after their answers', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await rawExchange(
      cleanup,
      port,
      request('GET /ok HTTP/1.1') + 'garbage\r\n\r\n' + request('GET /never HTTP/1.1'),
    );
    const rs = parseResponses(c.received, [], true);
    expect(rs.map((r) => r.status)).toEqual([200, 400]);
    expect(rs[0]!.headers['x-target']).toBe('/ok');
  });

  it('Connection: close from an HTTP/1.1 client: answered, then the server closes', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await rawExchange(
      cleanup,
      port,
      request('GET /bye HTTP/1.1', ['connection: close']) + request('GET /ignored HTTP/1.1'),
    );
    const rs = parseResponses(c.received, [], true);
    expect(rs.length).toBe(1);
    expect(rs[0]!.headers.connection).toBe('close');
  });

  it('an HTTP/1.0 client gets connection: close and the server closes', async () => {
    const { port } = await startHttp1Server(cleanup);
    const c = await rawExchange(cleanup, port, request('GET /old HTTP/1.0', [], '', null));
    const rs = parseResponses(c.received, [], true);
    expect(rs.length).toBe(1);
    expect(rs[0]!.status).toBe(200);
    expect(rs[0]!.headers.connection).toBe('close');
    expect(rs[0]!.headers['x-target']).toBe('/old');
  });

  it('an HTTP/1.0 client asking for keep-alive keeps the connection', async () => {
    const { server, port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /a HTTP/1.0', ['connection: keep-alive'], '', null));
    const [r] = await c.responses(1);
    expect(r!.headers.connection).toBe('keep-alive');
    await c.write(request('GET /b HTTP/1.0', ['connection: keep-alive'], '', null));
    const rs = await c.responses(2);
    expect(rs[1]!.headers['x-target']).toBe('/b');
    expect(c.ended).toBe(false);
    expect(server.connections).toBe(1);
  });

  it('a streamed reply to an HTTP/1.0 client is not chunked: it ends with the connection', async () => {
    const { port } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, ['content-type', 'text/plain']);
      reply.write(Buffer.from('part1 '));
      reply.end(Buffer.from('part2'));
    });
    const c = await rawExchange(
      cleanup,
      port,
      request('GET / HTTP/1.0', ['connection: keep-alive'], '', null),
    );
    const [r] = parseResponses(c.received, [], true);
    expect(r!.headers['transfer-encoding']).toBeUndefined();
    expect(r!.headers.connection).toBe('close');
    expect(r!.framing).toBe('close');
    expect(r!.body.toString()).toBe('part1 part2');
  });

  it('a streamed reply on the wire: chunked framing, and the connection stays usable', async () => {
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      if (req.target === '/next') return echo(req, reply);
      reply.writeHead(200, ['content-type', 'text/event-stream']);
      reply.write(Buffer.from('a'));
      reply.write(Buffer.from('bb'));
      reply.write(Buffer.from('ccc'));
      reply.end();
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /stream HTTP/1.1') + request('GET /next HTTP/1.1'));
    const rs = await c.responses(2);
    expect(rs[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(rs[0]!.body.toString()).toBe('abbccc');
    // Written in one turn: one chunk (chunk boundaries carry no meaning in HTTP/1.1).
    expect(c.text).toContain('\r\n\r\n6\r\nabbccc\r\n0\r\n\r\n');
    expect(rs[1]!.headers['x-target']).toBe('/next');
  });

  it('end(body) on a streamed reply sends that last piece before the last chunk', async () => {
    const { url, port } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, ['content-type', 'text/plain']);
      reply.write(Buffer.from('first,'));
      reply.end(Buffer.from('last'));
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1'));
    const [r] = await c.responses(1);
    expect(r!.headers['transfer-encoding']).toBe('chunked');
    expect(r!.body.toString()).toBe('first,last');
    // The same with no writeHead and no write at all: end(body) alone.
    const res = await fetch(url);
    expect(await res.text()).toBe('first,last');
  });

  it('end(body) alone, without writeHead, delivers the body', async () => {
    const { url } = await startHttp1Server(cleanup, (_req, reply) =>
      reply.end(Buffer.from('only')),
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('only');
  });

  it('pieces written in one turn leave as one chunk; a later turn starts another', async () => {
    const { port } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, []);
      reply.write(Buffer.from('a'));
      reply.write(Buffer.alloc(0));
      reply.write(Buffer.from('bc'));
      setTimeout(() => {
        reply.write(Buffer.from('d'));
        reply.end();
      }, 20);
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1'));
    const [r] = await c.responses(1);
    expect(r!.body.toString()).toBe('abcd');
    const text = c.text;
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n');
  });

  it('a HEAD reply has headers only, whatever the handler writes', async () => {
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      if (req.target === '/stream') {
        reply.writeHead(200, ['content-type', 'text/plain']);
        reply.write(Buffer.from('not for HEAD'));
        reply.end(Buffer.from('nor this'));
        return;
      }
      reply.writeHead(200, ['content-length', '5', 'x-target', req.target]);
      reply.end(Buffer.from('hello'));
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(
      request('HEAD /h HTTP/1.1') + request('HEAD /stream HTTP/1.1') + request('GET /g HTTP/1.1'),
    );
    const rs = await c.responses(3, ['HEAD', 'HEAD', 'GET']);
    expect(rs[0]!.headers['content-length']).toBe('5');
    expect(rs[0]!.body.length).toBe(0);
    expect(rs[1]!.headers['transfer-encoding']).toBeUndefined();
    expect(rs[2]!.headers['x-target']).toBe('/g');
    expect(rs[2]!.body.toString()).toBe('hello');
    expect(c.text).not.toContain('not for HEAD');
    expect(c.text).not.toContain('nor this');
  });

  it('204 and 304 replies carry no body framing', async () => {
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      reply.writeHead(req.target === '/204' ? 204 : 304, []);
      reply.end();
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /204 HTTP/1.1') + request('GET /304 HTTP/1.1'));
    const rs = await c.responses(2);
    expect(rs.map((r) => r.status)).toEqual([204, 304]);
    for (const r of rs) {
      expect(r.headers['transfer-encoding']).toBeUndefined();
      expect(r.headers['content-length']).toBeUndefined();
    }
    await c.write(request('GET /204 HTTP/1.1'));
    expect((await c.responses(3))[2]!.status).toBe(204);
  });

  it('leaves out reply headers that carry CR, LF or other controls', async () => {
    const { port } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, [
        'x-ok',
        'fine',
        'x-evil',
        'a\r\nx-injected: 1',
        'x-bad\r\nname',
        'v',
        'content-length',
        '0',
      ]);
      reply.end();
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1'));
    const [r] = await c.responses(1);
    expect(r!.headers['x-ok']).toBe('fine');
    expect(r!.headers['x-injected']).toBeUndefined();
    expect(c.text).not.toContain('x-evil');
    expect(c.text).not.toContain('x-bad');
  });

  it('reply.onClose fires when the client goes away before the reply ended', async () => {
    const h = holding();
    const { server, port } = await startHttp1Server(cleanup, h.handler);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /slow HTTP/1.1'));
    await waitUntil(() => h.held.length === 1);
    const { reply } = h.held[0]!;
    let closes = 0;
    reply.onClose = () => closes++;
    c.socket.destroy();
    await waitUntil(() => closes > 0);
    await waitUntil(() => server.connections === 0);
    expect(reply.destroyed).toBe(true);
    // Answering late is harmless and does not call onClose again.
    expect(reply.write(Buffer.from('late'))).toBe(false);
    reply.end(Buffer.from('late'));
    expect(closes).toBe(1);
  });

  it('reply.onClose does not fire for a reply that ended', async () => {
    let closes = 0;
    const { server, port } = await startHttp1Server(cleanup, (req, reply) => {
      reply.onClose = () => closes++;
      echo(req, reply);
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1'));
    await c.responses(1);
    c.socket.destroy();
    await waitUntil(() => server.connections === 0);
    expect(closes).toBe(0);
  });

  it('reply.destroy cuts the connection: the client sees no answer', async () => {
    const { server, port } = await startHttp1Server(cleanup, (_req, reply) => {
      reply.writeHead(200, []);
      reply.write(Buffer.from('partial'));
      reply.destroy();
    });
    const c = await rawExchange(cleanup, port, request('GET / HTTP/1.1'));
    expect(parseResponses(c.received)).toEqual([]);
    await waitUntil(() => server.connections === 0);
  });

  it('destroyAll() then close(): no connection and no timer left', async () => {
    const h = holding();
    const { server, port, timers } = await startHttp1Server(cleanup, h.handler);
    const idle = await RawClient.open(cleanup, port);
    const busy = await RawClient.open(cleanup, port);
    const reading = await RawClient.open(cleanup, port);
    await busy.write(request('GET /busy HTTP/1.1'));
    await reading.write('GET /half HTTP/1.1\r\nhost:');
    await waitUntil(() => h.held.length === 1);
    let closes = 0;
    h.held[0]!.reply.onClose = () => closes++;
    expect(server.connections).toBe(3);
    expect(timers.live).toBeGreaterThan(0);
    server.destroyAll();
    await server.close();
    expect(server.connections).toBe(0);
    expect(timers.live).toBe(0);
    await Promise.all([idle.whenClosed, busy.whenClosed, reading.whenClosed]);
    expect(closes).toBe(1);
  });

  it('close() alone waits for the connections to go', async () => {
    const { server, port } = await startHttp1Server(cleanup);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1'));
    await c.responses(1);
    let closed = false;
    const done = server.close().then(() => (closed = true));
    await sleep(50);
    expect(closed).toBe(false);
    c.socket.destroy();
    await done;
    expect(closed).toBe(true);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs, not before', async () => {
    const { server, port } = await startHttp1Server(cleanup, echo, { keepAliveTimeoutMs: 200 });
    const c = await RawClient.open(cleanup, port);
    const sent = performance.now();
    await c.write(request('GET / HTTP/1.1'));
    await c.responses(1);
    await c.untilEnd();
    expect(performance.now() - sent).toBeGreaterThanOrEqual(200);
    await c.whenClosed;
    await waitUntil(() => server.connections === 0);
  });

  it('a connection is not idle while its reply is pending', async () => {
    const { port } = await startHttp1Server(
      cleanup,
      (req, reply) => void sleep(1300).then(() => echo(req, reply)),
      { keepAliveTimeoutMs: 200 },
    );
    const c = await RawClient.open(cleanup, port);
    await c.write(request('POST / HTTP/1.1', ['content-length: 4'], 'late'));
    const [r] = await c.responses(1);
    expect(r!.body.toString()).toBe('late');
  });

  it('a request whose head drags past requestTimeoutMs gets 408', async () => {
    const { port } = await startHttp1Server(cleanup, echo, {
      requestTimeoutMs: 200,
      keepAliveTimeoutMs: 60_000,
    });
    const c = await RawClient.open(cleanup, port);
    const sent = performance.now();
    await c.write('GET / HTTP/1.1\r\nhost: t\r\n');
    await expectErrorAnswer(c, 408);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(200);
  });

  it('error answers use errorBody', async () => {
    const { port } = await startHttp1Server(cleanup, echo, {
      errorBody: (status, message) =>
        Buffer.from(`{"custom":${status},"m":${JSON.stringify(message)}}`),
    });
    const c = await rawExchange(cleanup, port, 'nonsense\r\n\r\n');
    const [r] = parseResponses(c.received, [], true);
    const body = JSON.parse(r!.body.toString()) as { custom: number; m: string };
    expect(body.custom).toBe(400);
    expect(typeof body.m).toBe('string');
    expect(r!.headers['content-length']).toBe(String(r!.body.length));
    expect(errorBody(1, 'x').length).toBeGreaterThan(0);
  });
});
