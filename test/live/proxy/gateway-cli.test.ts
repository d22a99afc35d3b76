import { spawn, type ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT, post, sleep } from './harness.js';
import { recordingUpstream } from './recording-upstream.js';

const ENTRY = join(process.cwd(), 'test/cli/entry.ts');
const args = (rest: string[]): string[] => ['--import', 'tsx', ENTRY, 'gateway', ...rest];

let child: ChildProcess | null = null;
afterEach(() => {
  if (child !== null && child.exitCode === null) child.kill('SIGKILL');
  child = null;
});

function run(rest: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, args(rest), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    c.once('exit', (code) => resolve({ code, stderr }));
  });
}

function firstLine(c: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: c.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    c.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
}

interface Started {
  c: ChildProcess;
  url: string;
  stderr(): string;
}

/** `lbsim gateway` with `rest`, once it printed its URL; it becomes the test's child. */
async function start(rest: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const c = spawn(process.execPath, args(rest), { stdio: ['ignore', 'pipe', 'pipe'], env });
  child = c;
  let stderr = '';
  c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const { url } = JSON.parse(await firstLine(c)) as { url: string };
  return { c, url, stderr: () => stderr };
}

function exit(c: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => c.once('exit', (code) => resolve(code)));
}

/** Answers as a provider's chat completion. */
function complete(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] }));
}

/** A scenario in a fresh directory whose one upstream is `upstream` (a YAML flow map). */
function scenarioWith(upstream: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-gw-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, `duration: 5s\nupstreams: [${upstream}]\nload: { rate: 10/s }\n`);
  return { dir, file };
}

describe('lbsim gateway', () => {
  it('starts the scenario’s fakes and the proxy, prints its URL as JSON, stops on SIGTERM with 0', async () => {
    const { c, url, stderr } = await start(['scenarios/outage.yaml']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await post(url, CHAT);
    expect(res.status).toBe(200);
    expect(['primary', 'secondary']).toContain(res.headers.get('x-lbsim-upstream'));
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    const exited = exit(c);
    c.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
  });

  it('SIGTERM drains: a request in flight is answered, then the process exits 0; a second signal stops at once', async () => {
    // An upstream of the test's own, holding each request until released: "in flight" is known.
    const held: (() => void)[] = [];
    const up = await recordingUpstream((_req, res) => held.push(() => complete(res)));
    const { file } = scenarioWith(`{ name: held, url: "${up.url}" }`);
    const until = async (cond: () => boolean): Promise<void> => {
      while (!cond()) await sleep(10);
    };
    try {
      const first = await start([file]);
      const answered = post(first.url, CHAT);
      await until(() => up.requests.length === 1);
      const exited = exit(first.c);
      first.c.kill('SIGTERM');
      await until(() => first.stderr() !== '');
      expect(first.stderr()).toMatch(/^lbsim: draining 1 request in flight for up to 30 s/);
      held.shift()!();
      const res = await answered;
      expect(res.status).toBe(200);
      expect(res.headers.get('connection')).toBe('close');
      expect(await exited).toBe(0);

      // A grace far beyond the test's time: only the second signal can end it.
      const second = await start([file, '--drain', '10m']);
      const abandoned = post(second.url, CHAT);
      await until(() => up.requests.length === 2);
      const exited2 = exit(second.c);
      second.c.kill('SIGTERM');
      await until(() => second.stderr() !== '');
      second.c.kill('SIGINT');
      const res2 = await abandoned;
      expect(res2.status).toBe(503);
      expect(await exited2).toBe(0);
    } finally {
      await up.close();
    }
  }, 30_000);

  it('--log appends one NDJSON line per request, and neither key reaches it', async () => {
    const up = await recordingUpstream((_req, res) => complete(res));
    const { dir, file } = scenarioWith(
      `{ name: keyed, url: "${up.url}", apiKeyEnv: LBSIM_TEST_UPSTREAM_KEY }`,
    );
    const logFile = join(dir, 'access.ndjson');
    writeFileSync(logFile, '{"earlier":"line"}\n');
    try {
      const { c, url } = await start([file, '--log', logFile], {
        ...process.env,
        LBSIM_TEST_UPSTREAM_KEY: 'sk-upstream-secret-123',
      });
      for (let i = 0; i < 2; i++) {
        const res = await post(url, CHAT, { authorization: 'Bearer sk-client-secret-456' });
        expect(res.status).toBe(200);
        await res.text();
      }
      expect(up.requests[0]!.headers.authorization).toBe('Bearer sk-upstream-secret-123');
      const exited = exit(c);
      c.kill('SIGTERM');
      expect(await exited).toBe(0);
      const text = readFileSync(logFile, 'utf8');
      const lines = text.trimEnd().split('\n');
      expect(lines[0]).toBe('{"earlier":"line"}');
      const entries = lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toHaveLength(2);
      for (const e of entries)
        expect(e).toMatchObject({
          method: 'POST',
          path: '/v1/chat/completions',
          status: 200,
          result: 'ok',
          upstream: 'keyed',
          attempts: 1,
        });
      expect(text).not.toContain('secret');
    } finally {
      await up.close();
    }
  });

  it('bad input (a bad file, a port in use, a missing key variable, a log it cannot write): one line on stderr, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-gw-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'duration: 5s\nupstreams: []\nload: { rate: 10/s }\n');
    const keys = join(dir, 'keys.yaml');
    writeFileSync(
      keys,
      'duration: 5s\nupstreams: [{ name: a, url: "http://127.0.0.1:9/v1", apiKeyEnv: LBSIM_TEST_NO_SUCH_KEY }]\nload: { rate: 10/s }\n',
    );
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      // In parallel: each start of tsx costs seconds.
      const [b, p, k, l] = await Promise.all([
        run([bad]),
        run(['scenarios/outage.yaml', '--port', String(port)]),
        run([keys]),
        run(['scenarios/outage.yaml', '--log', join(dir, 'no-such-dir', 'access.ndjson')]),
      ]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/^lbsim: .*bad\.yaml:\d+:\d+: upstreams/);
      expect(p.code).toBe(2);
      expect(p.stderr).toBe(`lbsim: port ${port} is already in use\n`);
      expect(k.code).toBe(2);
      expect(k.stderr).toBe(
        'lbsim: upstreams[0] (a): environment variable LBSIM_TEST_NO_SUCH_KEY is not set\n',
      );
      expect(l.code).toBe(2);
      expect(l.stderr).toBe(
        `lbsim: --log: cannot write ${join(dir, 'no-such-dir', 'access.ndjson')} (ENOENT)\n`,
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  }, 60_000);
});
