import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/live/http1/reply.js';
import {
  Cleanup,
  parseResponses,
  RawClient,
  refused,
  request,
  sleep,
  startHttp1Server,
  waitUntil,
} from './helpers.js';

const cleanup = new Cleanup();
/** Longer than any test: a connection that closes did so because of the drain, not idleness. */
const NO_IDLE_CLOSE = { keepAliveTimeoutMs: 60_000 };
afterEach(() => cleanup.run());

/** A handler that holds every reply until the test answers it. */
function held(): { handler: (req: unknown, reply: Reply) => void; replies: Reply[] } {
  const replies: Reply[] = [];
  return { handler: (_req, reply) => replies.push(reply), replies };
}

function answer(reply: Reply, text: string): void {
  reply.writeHead(200, ['content-length', String(text.length)]);
  reply.end(Buffer.from(text));
}

describe('Http1Server.drain', () => {
  it('closes idle connections at once, finishes the request in flight with connection: close, then resolves', async () => {
    const h = held();
    const { server, port } = await startHttp1Server(cleanup, h.handler, NO_IDLE_CLOSE);
    const idle = await RawClient.open(cleanup, port);
    const busy = await RawClient.open(cleanup, port);
    await busy.write(request('GET /slow HTTP/1.1'));
    await waitUntil(() => h.replies.length === 1 && server.connections === 2);

    let drained = false;
    const drain = server.drain().then(() => (drained = true));
    await idle.whenClosed;
    expect(idle.received.length).toBe(0);
    expect(await refused(port)).toBe(true);
    await sleep(50);
    expect(drained).toBe(false);
    expect(busy.closed).toBe(false);

    answer(h.replies[0]!, 'done');
    await drain;
    await busy.whenClosed;
    const [res] = parseResponses(busy.received);
    expect(res!.status).toBe(200);
    expect(res!.body.toString()).toBe('done');
    expect(res!.headers.connection).toBe('close');
  });

  it('a reply whose head already left keep-alive still ends whole, then the connection closes', async () => {
    const h = held();
    const { server, port } = await startHttp1Server(cleanup, h.handler, NO_IDLE_CLOSE);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /stream HTTP/1.1'));
    await waitUntil(() => h.replies.length === 1);
    const reply = h.replies[0]!;
    reply.writeHead(200, ['content-type', 'text/event-stream']);
    reply.write(Buffer.from('data: 1\n\n'));
    await c.waitFor((b) => b.includes('data: 1'));

    const drain = server.drain();
    await sleep(50);
    reply.write(Buffer.from('data: 2\n\n'));
    reply.end();
    await drain;
    await c.whenClosed;
    const [res] = parseResponses(c.received, [], true);
    expect(res!.framing).toBe('chunked');
    expect(res!.body.toString()).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('a request still arriving when the drain starts is read, answered, and its connection closed', async () => {
    const h = held();
    const { server, port } = await startHttp1Server(cleanup, h.handler, NO_IDLE_CLOSE);
    const c = await RawClient.open(cleanup, port);
    // Expect: 100-continue makes "the server has read the head" visible before the body is sent.
    await c.write(request('POST /x HTTP/1.1', ['content-length: 5', 'expect: 100-continue']));
    await c.waitFor((b) => b.includes('100 Continue'));
    const drain = server.drain();
    await c.write('hello');
    await waitUntil(() => h.replies.length === 1);
    answer(h.replies[0]!, 'ok');
    await drain;
    await c.whenClosed;
    const [res] = parseResponses(c.received);
    expect(res!.status).toBe(200);
    expect(res!.headers.connection).toBe('close');
  });

  it('a request pipelined behind the one in flight is not handled: the answer says close, then the connection ends', async () => {
    const h = held();
    const { server, port } = await startHttp1Server(cleanup, h.handler, NO_IDLE_CLOSE);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /first HTTP/1.1') + request('GET /second HTTP/1.1'));
    await waitUntil(() => h.replies.length === 1);
    const drain = server.drain();
    answer(h.replies[0]!, 'first');
    await drain;
    await c.whenClosed;
    const responses = parseResponses(c.received);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.headers.connection).toBe('close');
    expect(h.replies).toHaveLength(1);
  });

  it('destroyAll after a drain that did not finish cuts what is left, and leaves no timer', async () => {
    const h = held();
    const { server, port } = await startHttp1Server(cleanup, h.handler, NO_IDLE_CLOSE);
    const c = await RawClient.open(cleanup, port);
    await c.write(request('GET /never HTTP/1.1'));
    await waitUntil(() => h.replies.length === 1);
    const drain = server.drain();
    await sleep(50);
    server.destroyAll();
    await drain;
    await c.whenClosed;
    expect(c.received.length).toBe(0);
    expect(server.connections).toBe(0);
  });
});
