import { connect } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createProxy, type Proxy } from '../../../src/live/proxy/proxy.js';
import { BASE, expectNoLeaks, handles, sleep } from './harness.js';
import { recordingUpstream, type RecordingUpstream } from './recording-upstream.js';

let up: RecordingUpstream | null = null;
let proxy: Proxy | null = null;
let baseline: Record<string, number>;
beforeEach(() => {
  baseline = handles();
});
afterEach(async () => {
  await proxy?.close();
  await up?.close();
  proxy = null;
  up = null;
  await expectNoLeaks(baseline);
});

/** More than every socket buffer on the way can hold (loopback buffers autotune to a few MiB). */
const TOTAL = 96 * 1024 * 1024;
const PIECE = `data: ${'x'.repeat(64 * 1024 - 8)}\n\n`;

/** An upstream that streams `total` bytes of SSE as fast as its socket takes them, then [DONE]. */
async function fastStream(total: number): Promise<{ url: string; written: () => number }> {
  let written = 0;
  up = await recordingUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const more = (): void => {
      while (written < total) {
        written += PIECE.length;
        if (!res.write(PIECE)) {
          res.once('drain', more);
          return;
        }
      }
      res.end('data: [DONE]\n\n');
    };
    more();
  });
  return { url: up.url, written: () => written };
}

it('a client that stops reading a stream stops the gateway reading the upstream, and loses nothing', async () => {
  const { url, written } = await fastStream(TOTAL);
  proxy = await createProxy({
    gateway: {
      ...BASE,
      upstreams: [{ name: 'rec' }],
      retry: { ...BASE.retry, perTryTimeoutMs: 60_000, totalTimeoutMs: 120_000 },
      streaming: { firstTokenMs: 60_000, idleMs: 60_000 },
    },
    upstreams: [{ name: 'rec', url }],
  });
  // A raw client: it reads the head and first bytes, then nothing for a while.
  const sock = connect(proxy.port, '127.0.0.1');
  const body = '{"model":"m","stream":true,"messages":[]}';
  sock.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  let received = 0;
  let ended = false;
  sock.on('data', (d: Buffer) => (received += d.length));
  sock.on('end', () => (ended = true));
  await sleep(200);
  sock.pause();
  await sleep(1000);
  const whilePaused = written();
  // Without backpressure the gateway would have read the whole answer into its memory.
  expect(whilePaused).toBeLessThan(TOTAL);
  await sleep(300);
  expect(written()).toBe(whilePaused);
  sock.resume();
  while (!ended && received < TOTAL) await sleep(20);
  // Everything arrived (the chunked framing adds a little on top).
  expect(received).toBeGreaterThanOrEqual(TOTAL);
  expect(written()).toBeGreaterThanOrEqual(TOTAL);
  sock.destroy();
}, 30_000);

it('a client slower than the idle limit is not taken for a silent upstream', async () => {
  const total = 48 * 1024 * 1024;
  const { url, written } = await fastStream(total);
  const attempts: string[] = [];
  proxy = await createProxy({
    gateway: {
      ...BASE,
      upstreams: [{ name: 'rec' }],
      retry: { ...BASE.retry, perTryTimeoutMs: 400 },
      streaming: { firstTokenMs: 400, idleMs: 300 },
    },
    upstreams: [{ name: 'rec', url }],
    listener: { onAttemptEnd: (_r, _u, _a, outcome) => attempts.push(outcome.kind) },
  });
  const sock = connect(proxy.port, '127.0.0.1');
  const body = '{"model":"m","stream":true,"messages":[]}';
  sock.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  let received = 0;
  let tail = '';
  sock.on('data', (d: Buffer) => {
    received += d.length;
    tail = (tail + d.toString('latin1')).slice(-64);
  });
  // From the start, five times the idle limit without reading: the upstream is held back.
  sock.pause();
  await sleep(1500);
  expect(written()).toBeLessThan(total);
  sock.resume();
  while (!tail.includes('0\r\n\r\n') && !sock.destroyed && sock.readable) await sleep(20);
  expect(attempts).toEqual(['ok']);
  expect(received).toBeGreaterThan(total);
  expect(tail).toContain('[DONE]');
  expect(attempts).toEqual(['ok']);
  sock.destroy();
}, 30_000);
