/**
 * The proxy benchmark: the same fake upstream, the same load generator (autocannon in its own
 * process), one run, three targets — the fake directly, lbsim's gateway, and nginx (Debian's
 * package, one worker, upstream keepalive) — plus two controls: a node:http + undici proxy
 * (what the Node HTTP stack costs), a raw-socket proxy (the least HTTP proxy in Node) and a byte
 * pipe (what Node's sockets cost by themselves). Prints requests/s, p50/p99, CPU per request in
 * user space and in the kernel, and the ratios, for buffered answers at saturation and at a fixed
 * rate, then for streamed answers (stream: true, ~19 SSE chunks each); never asserts. Knobs: LBSIM_BENCH_SECONDS (default 6), LBSIM_BENCH_CONNECTIONS (default 50),
 * LBSIM_BENCH_PROFILE=<dir> writes a --cpu-prof of the gateway process there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findNginx, writeNginxConfig } from './proxy/nginx.js';

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');

function child(
  name: string,
  args: string[],
  nodeFlags: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const file = join(here, 'proxy', `${name}${compiled ? '.js' : '.ts'}`);
  return spawn(
    process.execPath,
    [...(compiled ? [] : ['--import', 'tsx']), ...nodeFlags, file, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env },
  );
}

function jsonLine<T>(c: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: c.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(JSON.parse(line) as T);
    });
    c.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}

function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function load(
  url: string,
  seconds: number,
  connections: number,
  rate?: number,
  stream = false,
): Promise<LoadResult> {
  const args = [url, String(seconds), String(connections)];
  if (rate !== undefined) args.push(String(rate));
  const env = { ...process.env, LBSIM_BENCH_STREAM: stream ? '1' : '0' };
  return jsonLine<LoadResult>(child('load-process', args, [], env));
}

function printTable(head: string[], lines: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]): string =>
    cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;
const us = (v: number): string => (Number.isNaN(v) ? '-' : `${v.toFixed(0)} µs`);

interface Row {
  name: string;
  r: LoadResult;
  cpuUs: number;
  userUs: number;
  sysUs: number;
}

/** The saturation columns: throughput, latency, and the proxy's CPU per request. */
function printSaturation(rows: Row[]): void {
  printTable(
    ['target', 'req/s', 'p50', 'p99', 'proxy CPU/req', 'user', 'kernel', 'non-2xx', 'errors'],
    rows.map(({ name, r, cpuUs, userUs, sysUs }) => [
      name,
      r.rps.toFixed(0),
      ms(r.p50),
      ms(r.p99),
      us(cpuUs),
      us(userUs),
      us(sysUs),
      String(r.non2xx),
      String(r.errors + r.timeouts),
    ]),
  );
}

interface Cpu {
  user: number;
  sys: number;
}

/** CPU seconds in user space and in the kernel the processes have used so far, from /proc; NaN where unavailable. */
function cpuSeconds(pids: number[]): Cpu {
  let user = 0;
  let sys = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      user += Number(f[11]);
      sys += Number(f[12]);
    } catch {
      return { user: NaN, sys: NaN };
    }
  }
  return { user: user / 100, sys: sys / 100 };
}

/** The children of `ppid` (nginx's workers), from /proc. */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === ppid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

export async function run(): Promise<void> {
  const seconds = Number(process.env.LBSIM_BENCH_SECONDS ?? 6);
  const connections = Number(process.env.LBSIM_BENCH_CONNECTIONS ?? 50);
  // Well under every target's capacity: latency without queueing, what a proxy adds per hop.
  const rate = Number(process.env.LBSIM_BENCH_RATE ?? 2000);
  const profileDir = process.env.LBSIM_BENCH_PROFILE;
  const children: ChildProcess[] = [];
  let prefix: string | null = null;
  try {
    const fakeProc = child('fake-process', []);
    children.push(fakeProc);
    const fake = await jsonLine<{ url: string; port: number }>(fakeProc);

    const gwProc = child(
      'gateway-process',
      [fake.url],
      profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir],
    );
    children.push(gwProc);
    const gateway = await jsonLine<{ url: string }>(gwProc);
    const bareProc = child('bare-proxy-process', [fake.url]);
    children.push(bareProc);
    const bare = await jsonLine<{ url: string }>(bareProc);
    const rawProc = child('raw-proxy-process', [fake.url]);
    children.push(rawProc);
    const raw = await jsonLine<{ url: string }>(rawProc);
    const pipeProc = child('pipe-proxy-process', [fake.url]);
    children.push(pipeProc);
    const pipe = await jsonLine<{ url: string }>(pipeProc);

    // The processes whose CPU time counts for each target (the fake's is not the proxy's).
    const targets: { name: string; url: string; pids: number[] }[] = [
      { name: 'fake directly', url: fake.url, pids: [] },
      { name: 'lbsim gateway', url: gateway.url, pids: [gwProc.pid!] },
      { name: 'node:http + undici', url: bare.url, pids: [bareProc.pid!] },
      { name: 'raw-socket proxy', url: raw.url, pids: [rawProc.pid!] },
      { name: 'node I/O floor (pipe)', url: pipe.url, pids: [pipeProc.pid!] },
    ];
    const nginxBin = findNginx();
    let note = '';
    if (nginxBin !== null) {
      prefix = mkdtempSync(join(tmpdir(), 'lbsim-nginx-'));
      const port = await freePort();
      const conf = writeNginxConfig(prefix, port, fake.port);
      const ng = spawn(
        nginxBin,
        ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'error.log')],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      children.push(ng);
      await waitForPort(port);
      targets.push({
        name: 'nginx (1 worker)',
        url: `http://127.0.0.1:${port}/v1`,
        pids: [ng.pid!, ...childrenOf(ng.pid!)],
      });
    } else {
      note = 'nginx: not installed, skipped (apt-get install -y nginx)';
    }

    const saturate = async (list: typeof targets, stream: boolean): Promise<Row[]> => {
      const out: Row[] = [];
      for (const t of list) {
        await load(t.url, 1, connections, undefined, stream); // warm-up: JIT, pools, keep-alive
        const cpu0 = cpuSeconds(t.pids);
        const r = await load(t.url, seconds, connections, undefined, stream);
        const cpu1 = cpuSeconds(t.pids);
        const per = (s: number): number => (t.pids.length === 0 ? NaN : (s / r.total) * 1e6);
        const userUs = per(cpu1.user - cpu0.user);
        const sysUs = per(cpu1.sys - cpu0.sys);
        out.push({ name: t.name, r, cpuUs: userUs + sysUs, userUs, sysUs });
      }
      return out;
    };
    const rows = await saturate(targets, false);

    console.log(
      `\nproxy: POST /v1/chat/completions (non-streaming), ${connections} connections, ${seconds} s each, autocannon in its own process`,
    );
    printSaturation(rows);
    const row = (name: string): Row | undefined => rows.find((x) => x.name === name);
    const lbsim = row('lbsim gateway')!;
    const vs = (name: string): void => {
      const other = row(name);
      if (other === undefined) return;
      console.log(
        `lbsim / ${name}: throughput ${(lbsim.r.rps / other.r.rps).toFixed(2)}, CPU per request ${(lbsim.cpuUs / other.cpuUs).toFixed(2)}`,
      );
    };
    console.log(
      `lbsim / fake directly: throughput ${(lbsim.r.rps / row('fake directly')!.r.rps).toFixed(2)}`,
    );
    vs('node:http + undici');
    vs('raw-socket proxy');
    vs('node I/O floor (pipe)');
    const nginx = row('nginx (1 worker)');
    if (nginx !== undefined) {
      vs('nginx (1 worker)');
      const pipeRow = row('node I/O floor (pipe)')!;
      console.log(
        `node I/O floor (pipe) / nginx (1 worker): throughput ${(pipeRow.r.rps / nginx.r.rps).toFixed(2)}, CPU per request ${(pipeRow.cpuUs / nginx.cpuUs).toFixed(2)}`,
      );
      console.log(
        `nginx / fake directly: throughput ${(nginx.r.rps / row('fake directly')!.r.rps).toFixed(2)}`,
      );
      console.log(
        `lbsim / nginx throughput: ${(lbsim.r.rps / nginx.r.rps).toFixed(2)} (target >= 1.00); p99 lbsim - nginx: ${(lbsim.r.p99 - nginx.r.p99).toFixed(2)} ms (target <= 1 ms)`,
      );
    }

    const fixed: { name: string; r: LoadResult }[] = [];
    for (const t of targets) fixed.push({ name: t.name, r: await load(t.url, seconds, 10, rate) });
    const nginxFixed = fixed.find((x) => x.name === 'nginx (1 worker)')?.r;
    console.log(
      `\nthe same at a fixed ${rate} requests/s (10 connections, autocannon overallRate): latency without queueing`,
    );
    printTable(
      ['target', 'req/s', 'p50', 'p99', 'p99 - nginx', 'errors'],
      fixed.map(({ name, r }) => [
        name,
        r.rps.toFixed(0),
        ms(r.p50),
        ms(r.p99),
        nginxFixed === undefined ? '-' : ms(r.p99 - nginxFixed.p99),
        String(r.non2xx + r.errors + r.timeouts),
      ]),
    );
    // Streamed answers: what the common LLM request costs, chunk by chunk. The raw-socket and
    // node:http + undici controls buffer whole answers, so they sit this one out.
    const streaming = await saturate(
      targets.filter((t) => t.name !== 'raw-socket proxy' && t.name !== 'node:http + undici'),
      true,
    );
    console.log(
      `\nstreamed answers (stream: true, 16 tokens 1 ms apart: ~19 SSE chunks each), ${connections} connections, ${seconds} s each`,
    );
    printSaturation(streaming);
    const sLbsim = streaming.find((x) => x.name === 'lbsim gateway')!;
    const sNginx = streaming.find((x) => x.name === 'nginx (1 worker)');
    if (sNginx !== undefined)
      console.log(
        `lbsim / nginx (1 worker), streamed: throughput ${(sLbsim.r.rps / sNginx.r.rps).toFixed(2)}, CPU per answer ${(sLbsim.cpuUs / sNginx.cpuUs).toFixed(2)}`,
      );
    if (note !== '') console.log(note);
  } finally {
    await Promise.all(children.reverse().map(stop));
    if (prefix !== null) rmSync(prefix, { recursive: true, force: true });
  }
}
