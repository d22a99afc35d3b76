import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENTRY = join(process.cwd(), 'test/cli/entry.ts');
const SMALL = join(process.cwd(), 'test/live/engine/fixtures/small-outage.yaml');

function lbsim(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lbsim run --mode live (end to end, real sockets)', () => {
  it('runs a small outage for real and writes a live result', { timeout: 60_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'lbsim-live-'));
    const r = lbsim(['run', SMALL, '--mode', 'live', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/live run: timings are real and vary between runs/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.scenario.mode).toBe('live');
    expect(result.interrupted).toBe(false);
    const s = result.summary;
    // 50/s Poisson for 3 s: sane counts, every request ended once.
    expect(s.requests).toBeGreaterThan(90);
    expect(s.requests).toBe(s.started);
    expect(s.ok).toBeGreaterThan(0);
    expect(s.latencyMs.p99).toBeGreaterThan(0);
    expect(s.attempts).toBeGreaterThanOrEqual(s.requests);
    expect(result.generator.driver).toBe('open-loop');
    expect(result.generator.sent).toBe(s.started);
    const f = result.faults[0];
    expect(f).toMatchObject({ upstream: 'primary', kind: 'down' });
    expect(f.start).toBeGreaterThanOrEqual(1000);
    expect(f.end).toBeGreaterThan(f.start + 900);
    // The gateway's own events on the real clock: the primary was marked down.
    expect(f.detectionMs).not.toBeNull();
    expect(f.detectionMs).toBeGreaterThanOrEqual(0);
    expect(result.invariants.every((i: { pass: boolean }) => i.pass)).toBe(true);
    expect(existsSync(join(out, 'meta.json'))).toBe(true);
  });

  it(
    'stops on Ctrl-C, writes a partial result and leaves nothing running',
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lbsim-live-'));
      const file = join(dir, 'long.yaml');
      writeFileSync(file, readFileSync(SMALL, 'utf8').replace('duration: 3s', 'duration: 60s'));
      const out = join(dir, 'out');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', ENTRY, 'run', file, '--mode', 'live', '--out', out],
        {
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      // Let it start and run a little (startup under tsx takes a few seconds).
      await new Promise((r) => setTimeout(r, 6000));
      expect(child.exitCode).toBeNull();
      child.kill('SIGINT');
      const code = await exited;
      expect([1, 130]).toContain(code);
      expect(stderr).toMatch(/interrupted/);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
      expect(result.interrupted).toBe(true);
      expect(result.pass).toBe(false);
      expect(result.scenario.mode).toBe('live');
      // The process is gone, so are its worker thread, servers and sockets.
      expect(() => process.kill(child.pid!, 0)).toThrow();
    },
  );

  it(
    'refuses a non-loopback target without --allow-remote (exit 2, names the risk)',
    { timeout: 60_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'lbsim-live-'));
      const file = join(dir, 'remote.yaml');
      writeFileSync(
        file,
        'duration: 2s\ntarget: { url: "http://gateway.example.invalid:8080/v1" }\nupstreams: [{ name: a, port: 39111 }]\nload: { rate: 10/s }\n',
      );
      const r = lbsim(['run', file, '--mode', 'live', '--out', join(dir, 'out')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a loopback address.*--allow-remote/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(dir, 'out', 'result.json'))).toBe(false);
    },
  );
});
