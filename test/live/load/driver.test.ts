import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../../src/core/real-scheduler.js';
import { startLoad } from '../../../src/live/load/load-driver.js';
import type { ClientEnd, ClientEvent, LoadSpec } from '../../../src/live/load/types.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s !== null) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** Answers JSON, or an SSE stream of three tokens when the body asks for one. */
async function serve(): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('x-lbsim-upstream', 'fake');
      if (JSON.parse(body).stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const tick = (): void => {
          if (i < 3) {
            res.write(`data: {"choices":[{"delta":{"content":"t${i++}"}}]}\n\n`);
            setTimeout(tick, 10);
          } else {
            res.end(
              'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}\n\ndata: [DONE]\n\n',
            );
          }
        };
        tick();
        return;
      }
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end('{"usage":{"prompt_tokens":5,"completion_tokens":2}}');
      }, 5);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`;
}

function spec(url: string, loop: LoadSpec['loop'], stream = 0): LoadSpec {
  return {
    url,
    headers: {},
    seed: 'driver-test',
    durationMs: 600,
    graceMs: 2000,
    loop,
    mix: { stream, promptTokens: undefined, maxTokens: undefined, keys: 10, userKeyHeader: false },
    maxInflight: 100,
    timeoutMs: 5000,
  };
}

async function drive(s: LoadSpec) {
  const events: ClientEvent[] = [];
  const d = startLoad(s, (ev) => events.push(...ev));
  await d.ready;
  d.start(realClock.now() + 20);
  const stats = await d.done;
  await d.terminate();
  return { events, stats, ends: events.filter((e): e is ClientEnd => e.k === 'e') };
}

describe('load driver in a worker thread', () => {
  it('runs the open loop and reports every request once, with streams timed', async () => {
    const url = await serve();
    const { stats, ends, events } = await drive(
      spec(
        url,
        { kind: 'open', arrival: 'constant', rate: 50, stages: undefined, lateToleranceMs: 5 },
        0.5,
      ),
    );
    expect(stats.driver).toBe('open-loop');
    expect(ends.length).toBe(stats.sent);
    expect(events.filter((e) => e.k === 's')).toHaveLength(stats.sent);
    expect(new Set(ends.map((e) => e.id)).size).toBe(ends.length);
    expect(ends.every((e) => e.errorClass === null)).toBe(true);
    const streams = ends.filter((e) => e.stream);
    expect(streams.length).toBeGreaterThan(0);
    for (const e of streams) {
      expect(e.ttftMs).toBeGreaterThan(0);
      expect(e.gapsMs).toHaveLength(2);
      expect(e.completionTokens).toBe(3);
    }
    expect(ends.every((e) => e.upstream === 'fake')).toBe(true);
  });

  it('runs a closed loop through autocannon', async () => {
    const url = await serve();
    const { stats, ends } = await drive(spec(url, { kind: 'closed', clients: 3, thinkMs: 0 }));
    expect(stats.driver).toBe('autocannon');
    expect(ends.length).toBeGreaterThan(10);
    expect(ends.filter((e) => e.errorClass === null).length).toBeGreaterThan(10);
    expect(ends.filter((e) => e.errorClass !== null && e.errorClass !== 'aborted')).toEqual([]);
  });

  it('runs a closed loop with think time on undici clients', async () => {
    const url = await serve();
    const { stats, ends } = await drive(spec(url, { kind: 'closed', clients: 2, thinkMs: 50 }));
    expect(stats.driver).toBe('closed-loop');
    // Two clients, each at most one request per 50 ms of thinking.
    expect(ends.length).toBeGreaterThan(2);
    expect(ends.every((e) => e.errorClass === null)).toBe(true);
  });
});
