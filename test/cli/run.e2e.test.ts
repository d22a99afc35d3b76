import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function lbsim(args: string[], cwd = process.cwd()) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(process.cwd(), 'test/cli/entry.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lbsim run (end to end)', () => {
  it('runs the outage scenario, prints the verdicts and writes result.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'lbsim-run-'));
    const r = lbsim(['run', 'scenarios/outage.yaml', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/primary outage/);
    expect(r.stdout).toMatch(/failoverTime\s+<= 5\.00 s/);
    expect(r.stdout).toMatch(/verdict: PASS/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.format).toBe('lbsim-result/1');
    expect(result.summary.latencyMs.p99).toBeGreaterThan(0);
    expect(result.faults[0]).toMatchObject({
      upstream: 'primary',
      kind: 'down',
      start: 15000,
      end: 35000,
    });
    expect(result.slo.map((s: { name: string }) => s.name)).toEqual([
      'p99',
      'errorRate',
      'failoverTime',
    ]);
    expect(existsSync(join(out, 'meta.json'))).toBe(true);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/<canvas/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/failoverTime/);
  });

  it('writes JUnit on request and fails a worse configuration against a baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-run-'));
    const junit = join(dir, 'junit.xml');
    const first = lbsim([
      'run',
      'scenarios/outage.yaml',
      '--out',
      join(dir, 'base'),
      '--junit',
      junit,
    ]);
    expect(first.code).toBe(0);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase[^>]*name="failoverTime"/);
    // The same scenario file name with one attempt instead of three: clients now see the outage.
    mkdirSync(join(dir, 'worse'));
    const worse = join(dir, 'worse', 'outage.yaml');
    writeFileSync(
      worse,
      readFileSync('scenarios/outage.yaml', 'utf8').replace('attempts: 3', 'attempts: 1'),
    );
    const r = lbsim([
      'run',
      worse,
      '--out',
      join(dir, 'out'),
      '--baseline',
      join(dir, 'base', 'result.json'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/regression/i);
    expect(r.stdout).toMatch(/failover/i);
  });

  it('exits 1 and names the failing SLO with target and actual', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-run-'));
    const file = join(dir, 'tight.yaml');
    writeFileSync(
      file,
      'duration: 5s\nupstreams: [{ name: a, latency: 100ms }]\nload: { rate: 10/s }\nslo: { p99: 50ms }\n',
    );
    const r = lbsim(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/p99\s+<= 50 ms\s+100 ms\s+FAIL/);
  });

  it('answers bad input with one line per problem and exit 2, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-run-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'duration: 5\nupstreams: [{ name: a, latncy: 10ms }]\nload: { rate: 10/s }\n',
    );
    const r = lbsim(['run', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `lbsim: ${file}:1:11: duration: a duration needs a unit: write "5ms" or similar, e.g. "250ms"`,
      `${file}:2:24: upstreams[0].latncy: unknown key, did you mean latency?`,
    ]);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a bad flag with exit 2', () => {
    expect(lbsim(['run', 'scenarios/outage.yaml', '--mode', 'fast']).code).toBe(2);
    expect(lbsim(['run', 'scenarios/outage.yaml', '--duration', '5']).stderr).toMatch(
      /--duration: invalid duration "5"/,
    );
  });
});
