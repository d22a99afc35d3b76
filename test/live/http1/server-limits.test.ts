import { afterEach, describe, expect, it } from 'vitest';
import { BodyDecoder } from '../../../src/live/http1/body-decoder.js';
import { HttpProtocolError } from '../../../src/live/http1/protocol-error.js';
import { Cleanup, RawClient, request, sleep, startHttp1Server, waitUntil } from './helpers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Clients that misbehave on purpose: what the server must bound, finish or refuse. */
describe('Http1Server against clients that do not read, or read slowly', () => {
  it('a client pipelining without reading stops being read once its answers pile up', async () => {
    const answer = Buffer.alloc(256 * 1024, 'a');
    let handled = 0;
    const { port } = await startHttp1Server(cleanup, (_req, reply) => {
      handled++;
      reply.writeHead(200, ['content-length', String(answer.length)]);
      reply.end(answer);
    });
    const c = await RawClient.open(cleanup, port);
    let bytes = 0;
    c.socket.on('data', (d: Buffer) => (bytes += d.length));
    c.socket.pause();
    const n = 400; // 100 MiB of answers: more than every socket buffer on the way
    await c.write(request('GET /x HTTP/1.1').repeat(n));
    await sleep(500);
    const whilePaused = handled;
    expect(whilePaused).toBeLessThan(n);
    await sleep(200);
    expect(handled).toBe(whilePaused);
    c.socket.resume();
    await waitUntil(() => bytes >= n * answer.length);
    expect(handled).toBe(n);
  }, 30_000);

  it('an answer that takes a slow client longer than the idle limit to read is not cut', async () => {
    const answer = Buffer.alloc(8 * 1024 * 1024, 'b');
    const { port } = await startHttp1Server(
      cleanup,
      (_req, reply) => {
        reply.writeHead(200, ['content-length', String(answer.length)]);
        reply.end(answer);
      },
      { keepAliveTimeoutMs: 200 },
    );
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /big HTTP/1.1'));
    // Read in bursts with pauses well over the idle limit.
    for (let i = 0; i < 6 && c.received.length < answer.length; i++) {
      c.socket.pause();
      await sleep(400);
      c.socket.resume();
      await sleep(20);
    }
    const buf = await c.waitFor((b) => b.length >= answer.length);
    expect(buf.length).toBeGreaterThan(answer.length);
    expect(c.closed).toBe(false);
  }, 30_000);

  it('a request pipelined behind a Connection: close request is not handled', async () => {
    const seen: string[] = [];
    const { port } = await startHttp1Server(cleanup, (req, reply) => {
      seen.push(req.target);
      reply.writeHead(404, ['content-length', '0']);
      reply.end();
    });
    const c = await RawClient.open(cleanup, port);
    await c.write(
      request('GET /first HTTP/1.1', ['connection: close']) +
        request('POST /second HTTP/1.1', ['content-length: 2'], '{}'),
    );
    await c.untilEnd();
    await sleep(50);
    expect(seen).toEqual(['/first']);
  });

  it('after its last answer, the connection closes even if the client never does', async () => {
    const { port, server } = await startHttp1Server(
      cleanup,
      (_req, reply) => {
        reply.writeHead(200, ['content-length', '2']);
        reply.end(Buffer.from('ok'));
      },
      { keepAliveTimeoutMs: 100 },
    );
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET / HTTP/1.1', ['connection: close']));
    await c.untilEnd();
    // The client keeps its side open; the server's side is gone all the same.
    await waitUntil(() => server.connections === 0);
    expect(c.text.startsWith('HTTP/1.1 200')).toBe(true);
  });
});

describe('BodyDecoder: chunk lines and trailers are as strict as heads', () => {
  const decode = (wire: string): string => {
    const d = new BodyDecoder('chunked');
    let out = '';
    d.feed(Buffer.from(wire, 'latin1'), 0, (c) => (out += c.toString('latin1')));
    expect(d.done).toBe(true);
    return out;
  };
  const refused = (wire: string): void => {
    expect(() => decode(wire)).toThrow(HttpProtocolError);
  };

  it('accepts extensions and trailers that are well formed', () => {
    expect(decode('5;name=value\r\nhello\r\n0\r\nx-trailer: yes\r\n\r\n')).toBe('hello');
  });

  it('refuses a bare CR, a NUL or another control character in a chunk extension', () => {
    refused('5;a\rb\r\nhello\r\n0\r\n\r\n');
    refused('5;a\0b\r\nhello\r\n0\r\n\r\n');
    refused('0;\x01\r\n\r\n');
  });

  it('refuses trailer lines that are not header fields', () => {
    refused('0\r\nbad\rtrailer\r\n\r\n');
    refused('0\r\nnot a field\r\n\r\n');
    refused('0\r\nx: a\0b\r\n\r\n');
  });
});
