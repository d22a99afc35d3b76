import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chat, raw } from './net-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lbsim-fake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const children: ChildProcessWithoutNullStreams[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function lbsim(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/cli-entry.ts', ...args], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines = async (n: number): Promise<string[]> => {
    for (;;) {
      const got = stdout.split('\n').filter(Boolean);
      if (got.length >= n) return got;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exit, lines, out: () => stdout, err: () => stderr };
}

const SCENARIO = `
name: two fakes   # the other sections of a scenario pass through
seed: 7
duration: 60s
balancer: { strategy: round-robin }
load: { arrival: poisson, rate: 10/s }
upstreams:
  - name: primary
    model: gpt-fake
    weight: 3
    latency: { p50: 2ms, p99: 10ms }
    keys: [sk-primary]
  - name: backup
    backup: true
    latency: 1ms
faults:
  - { upstream: backup, at: 0s, kind: error, status: 503 }
`;

describe('lbsim fake', () => {
  it('prints one JSON line per upstream, serves until SIGINT, then exits 0 and closes its ports', async () => {
    const logFile = join(dir, 'requests.ndjson');
    const p = lbsim('fake', file('ok.yaml', SCENARIO), '--log', logFile);
    const [a, b] = (await p.lines(2)).map((l) => JSON.parse(l) as { name: string; url: string });
    expect(a).toEqual({
      name: 'primary',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/),
    });
    expect(b!.name).toBe('backup');
    const ok = await chat(a!.url, {}, { authorization: 'Bearer sk-primary' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body!).model).toBe('gpt-fake');
    expect((await chat(a!.url)).status).toBe(401);
    expect((await chat(b!.url)).status).toBe(503);
    const state = await raw(`${a!.url.replace(/\/v1$/, '')}/__lbsim/upstreams/backup/state`);
    expect(JSON.parse(state.body!)).toMatchObject({ name: 'backup', counters: { seen: 1 } });
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
    expect((await raw(`${a!.url}/models`)).error).toBe('ECONNREFUSED');
    const log = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((l) => [l.upstream, l.outcome])).toEqual([
      ['primary', '200'],
      ['primary', '401'],
      ['backup', '503'],
    ]);
  });

  it('numbers ports from --port-base and stops on SIGTERM too', async () => {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const p = lbsim('fake', file('base.yaml', SCENARIO), '--port-base', String(base));
    const urls = (await p.lines(2)).map((l) => (JSON.parse(l) as { url: string }).url);
    expect(urls).toEqual([`http://127.0.0.1:${base}/v1`, `http://127.0.0.1:${base + 1}/v1`]);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it('a bad file: exit 2, one line per problem with its position, no stack trace', async () => {
    const bad = file(
      'bad.yaml',
      `upstreams:
  - name: primary
    latncy: 50ms
    capacity: 0
faults:
  - { upstream: primray, kind: down, for: 5 }
`,
    );
    const p = lbsim('fake', bad);
    expect(await p.exit).toBe(2);
    const lines = p.err().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.join('\n')).toMatch(/bad\.yaml:3:\d+: .*latncy/);
    expect(lines.join('\n')).toMatch(/bad\.yaml:4:\d+: .*capacity/);
    expect(lines.join('\n')).toMatch(/bad\.yaml:6:\d+: .*primray/);
    expect(lines.join('\n')).toMatch(/bad\.yaml:6:\d+: .*for/);
    expect(p.err()).not.toMatch(/\n\s+at /);
    expect(p.out()).toBe('');
  });

  it('a missing file: exit 2 with a one-line error', async () => {
    const p = lbsim('fake', join(dir, 'nope.yaml'));
    expect(await p.exit).toBe(2);
    expect(p.err().trim().split('\n')).toHaveLength(1);
    expect(p.err()).toContain('nope.yaml');
  });

  it('a port in use: exit 2, one line naming the port and the upstream', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const p = lbsim(
      'fake',
      file('busy.yaml', `upstreams:\n  - { name: a }\n  - { name: b, port: ${port} }\n`),
    );
    expect(await p.exit).toBe(2);
    expect(p.err().trim()).toBe(`lbsim: port ${port} of upstream "b" is already in use`);
    expect(p.out()).toBe('');
  });
});
