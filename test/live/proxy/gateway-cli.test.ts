import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT, post } from './harness.js';

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

describe('lbsim gateway', () => {
  it('starts the scenario’s fakes and the proxy, prints its URL as JSON, stops on SIGTERM with 0', async () => {
    const c = spawn(process.execPath, args(['scenarios/outage.yaml']), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await firstLine(c);
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await post(url, CHAT);
    expect(res.status).toBe(200);
    expect(['primary', 'secondary']).toContain(res.headers.get('x-lbsim-upstream'));
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    c.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('bad input (a bad file, a port in use, a missing key variable): one line on stderr, exit 2', async () => {
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
      const [b, p, k] = await Promise.all([
        run([bad]),
        run(['scenarios/outage.yaml', '--port', String(port)]),
        run([keys]),
      ]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/^lbsim: .*bad\.yaml:\d+:\d+: upstreams/);
      expect(p.code).toBe(2);
      expect(p.stderr).toBe(`lbsim: port ${port} is already in use\n`);
      expect(k.code).toBe(2);
      expect(k.stderr).toBe(
        'lbsim: upstreams[0] (a): environment variable LBSIM_TEST_NO_SUCH_KEY is not set\n',
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
