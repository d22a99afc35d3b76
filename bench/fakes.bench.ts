/**
 * Fake upstream benchmarks (printed, never asserted):
 * 1. a healthy fake serving a small non-streaming completion vs a bare node:http server returning
 *    the same bytes, under the same autocannon settings (autocannon in a child process);
 * 2. 1,000 concurrent streams at 20 ms inter-token latency: how late chunks are sent (server side,
 *    against the plan) and arrive (client side, against the stream's first token).
 */
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { zUpstream } from '../fakes/config.js';
import { chatRequest } from '../fakes/request.js';
import { FakeUpstream } from '../fakes/upstream.js';
import { measure, printTable } from './harness.js';
import { startFakeServer } from '../fakes/server.js';

const BODY = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'Say hello.' }] });
const CONNECTIONS = 50;
/** Rounds of bare then fake, so a change in the machine's load hits both alike. */
const ROUNDS = 3;
const SECONDS = 3;
const STREAMS = 1000;
const GAP_MS = 20;
const STREAM_MS = 6000;

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
}

async function cannon(url: string, seconds: number): Promise<CannonResult> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const out = await runNode([
    bin,
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    BODY,
    '-j',
    url,
  ]);
  return JSON.parse(out) as CannonResult;
}

function fetchOnce(url: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function pct(xs: number[], p: number): number {
  return xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
}

function table(title: string, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}

async function throughput(): Promise<void> {
  const fake = await startFakeServer(
    zUpstream.parse({ name: 'healthy', latency: '0ms', outputTokens: 16 }),
  );
  const url = `${fake.url}/chat/completions`;
  const sample = await fetchOnce(url);
  const headers = {
    'content-type': String(sample.headers['content-type']),
    'content-length': String(sample.headers['content-length']),
  };
  const bare = createServer({ keepAlive: true, noDelay: true }, (_req, res) => {
    res.writeHead(200, headers);
    res.end(sample.body);
  });
  const barePort = await listen(bare);
  const bareUrl = `http://127.0.0.1:${barePort}/v1/chat/completions`;
  try {
    await cannon(bareUrl, 1);
    await cannon(url, 1);
    const bs: CannonResult[] = [];
    const fs: CannonResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bs.push(await cannon(bareUrl, SECONDS));
      fs.push(await cannon(url, SECONDS));
    }
    const rate = (rs: CannonResult[]) => rs.reduce((a, r) => a + r.requests.average, 0) / rs.length;
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const row = (name: string, rs: CannonResult[], ratio: number, target: string) => [
      name,
      rate(rs).toFixed(0),
      rs.map((r) => r.requests.average.toFixed(0)).join(' '),
      String(median(rs.map((r) => r.latency.p50))),
      String(median(rs.map((r) => r.latency.p99))),
      String(rs.reduce((a, r) => a + r.errors + r.non2xx, 0)),
      ratio.toFixed(2),
      target,
    ];
    const ratio = rate(fs) / rate(bs);
    table(
      `fakes: non-streaming completion (${sample.body.length} B body), autocannon -c ${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${SECONDS} s`,
      ['server', 'req/s', 'per round', 'p50 ms', 'p99 ms', 'errors', 'ratio', 'target'],
      [
        row('bare node:http', bs, 1, ''),
        row('healthy fake', fs, ratio, `>= 0.80 ${ratio >= 0.8 ? 'ok' : 'MISSED'}`),
      ],
    );
  } finally {
    await new Promise((r) => bare.close(r));
    await fake.close();
  }
}

interface StreamRun {
  streams: number;
  serverLate: number[];
  client: {
    streams: number;
    errors: number;
    chunks: number;
    p50: number;
    p99: number;
    max: number;
  };
}

async function streamRun(streams: number): Promise<StreamRun> {
  const serverLate: number[] = [];
  const fake = await startFakeServer(
    zUpstream.parse({
      name: 'streaming',
      stream: { ttft: `${GAP_MS}ms`, itl: `${GAP_MS}ms` },
      outputTokens: 100,
    }),
    { onLateness: (ms) => serverLate.push(ms) },
  );
  try {
    // A plain .mjs that tsc does not copy: from dist-bench/bench/ it is two levels up, in bench/.
    const rel = import.meta.url.includes('/dist-bench/') ? '../../bench/fakes/' : './fakes/';
    const client = fileURLToPath(new URL(`${rel}stream-client.mjs`, import.meta.url));
    const out = await runNode([
      client,
      `${fake.url}/chat/completions`,
      String(streams),
      String(STREAM_MS),
      String(GAP_MS),
    ]);
    serverLate.sort((a, b) => a - b);
    return { streams, serverLate, client: JSON.parse(out) as StreamRun['client'] };
  } finally {
    await fake.close();
  }
}

async function streaming(): Promise<void> {
  const rows: string[][] = [];
  // 1,000 is the target; 250 shows where this machine stands when 1,000 is beyond it.
  for (const n of [STREAMS, 250]) {
    const r = await streamRun(n);
    const sp99 = pct(r.serverLate, 0.99);
    const needed = (n * 1000) / GAP_MS;
    rows.push(
      [
        `${n} streams: server (sent vs plan)`,
        `${((r.serverLate.length / STREAM_MS) * 1000).toFixed(0)} / ${needed.toFixed(0)}`,
        pct(r.serverLate, 0.5).toFixed(2),
        sp99.toFixed(2),
        pct(r.serverLate, 1).toFixed(2),
        n === STREAMS ? `p99 <= 5 ${sp99 <= 5 ? 'ok' : 'MISSED'}` : '',
      ],
      [
        `${n} streams: client (${r.client.streams} done, ${r.client.errors} errors)`,
        '',
        r.client.p50.toFixed(2),
        r.client.p99.toFixed(2),
        r.client.max.toFixed(2),
        '',
      ],
    );
  }
  table(
    `fakes: concurrent streams, ${GAP_MS} ms between tokens, ${STREAM_MS / 1000} s each (lateness in ms)`,
    ['measured at', 'chunks/s sent / due', 'p50', 'p99', 'max', 'target'],
    rows,
  );
}

/** The model alone, as the simulator calls it: decide a plan, take a slot, release it. */
export function modelBench(): void {
  let sink = 0;
  const counting = {
    start(): void {
      sink++;
    },
  };
  const row = (
    name: string,
    config: Record<string, unknown>,
    stream: boolean,
    faults = [],
    perMs = 64,
  ) => {
    const clock = new VirtualScheduler();
    const up = new FakeUpstream(zUpstream.parse({ name: 'u', ...config }), clock, new Rng('b'), {
      faults,
    });
    const req = chatRequest({ stream, includeUsage: stream });
    return {
      group: 'fake model',
      name,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          up.handle(req, counting);
          if (i % perMs === perMs - 1) clock.advance(1);
        }
        clock.runAll();
      }),
    };
  };
  printTable('fakes: the behaviour model per request (virtual time, no transport)', [
    row('completion, lognormal, unlimited', { latency: { p50: '50ms', p99: '200ms' } }, false),
    // 3 arrivals a ms against 64 slots of 20 ms: about 94% busy, a short queue at times.
    row('completion, capacity 64, 94% busy', { latency: '20ms', capacity: 64 }, false, [], 3),
    row('stream', {}, true),
    row('stream, rate limit headers', { rateLimit: { requests: '1000000/s' } }, true),
    row('completion, 3 faults at 10%', { latency: '5ms' }, false, [
      { kind: 'error', status: 500, probability: 0.1 },
      { kind: 'brownout', factor: 2, probability: 0.1 },
      { kind: 'hang', probability: 0.1 },
    ] as never),
  ]);
  if (sink === -1) console.log('');
}

export async function run(): Promise<void> {
  modelBench();
  await throughput();
  await streaming();
}
