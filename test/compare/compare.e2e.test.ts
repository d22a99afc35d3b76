import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim } from './lbsim.js';

const SCENARIO = `name: two upstreams
seed: 3
duration: 3s
upstreams:
  - { name: a, latency: 20ms }
  - { name: b, latency: 200ms }
load: { rate: 50/s }
slo: { p99: 150ms }
compare:
  variants:
    - { name: as written, balancer: {} }
    - { name: p2c, balancer: { strategy: p2c } }
    - { name: peak-ewma, balancer: { strategy: peak-ewma } }
`;

function scenarioFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-compare-'));
  const file = join(dir, 'two.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

// Each spawn costs a second or more of tsx start-up, so the cases share their runs.
describe('lbsim compare (end to end)', { timeout: 90_000 }, () => {
  it('runs a compare: section, prints the table with the best marked, writes the report; shards merge into the same compare.json', () => {
    const { dir, file } = scenarioFile(SCENARIO);
    const whole = join(dir, 'whole');
    const r = lbsim(['compare', file, '--out', whole, '--workers', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+as written\s+p2c\s+peak-ewma$/m);
    expect(r.stdout).toMatch(/latency p99 .*\*/);
    expect(r.stdout).toMatch(/^verdict\s+FAIL\s+/m);
    expect(r.stdout).toMatch(/as written: p99 <= 150 ms, actual [\d.]+ ms/);
    const c = JSON.parse(readFileSync(join(whole, 'compare.json'), 'utf8'));
    expect(c.scenario).toEqual({
      name: 'two upstreams',
      file: 'two.yaml',
      seed: '3',
      mode: 'sim',
      durationMs: 3000,
    });
    expect(c.variants.map((v: { name: string }) => v.name)).toEqual([
      'as written',
      'p2c',
      'peak-ewma',
    ]);
    expect(existsSync(join(whole, 'index.html'))).toBe(true);
    expect(existsSync(join(whole, 'compare.md'))).toBe(true);

    const shard = (i: number) =>
      lbsim(['compare', file, '--workers', '0', '--shard', `${i}/2`, '--out', join(dir, `s${i}`)]);
    expect(shard(1).code).toBe(0);
    const s2 = shard(2);
    expect(s2.code).toBe(0);
    expect(s2.stdout).toMatch(/shard 2\/2: 1 of 3 variants; assemble with lbsim merge/);
    expect(existsSync(join(dir, 's2', 'index.html'))).toBe(false);
    const m = lbsim(['merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    expect(readFileSync(join(dir, 'merged', 'compare.json'), 'utf8')).toBe(
      readFileSync(join(whole, 'compare.json'), 'utf8'),
    );
    expect(existsSync(join(dir, 'merged', 'index.html'))).toBe(true);
  });

  it('a typo in a variant’s knob is bad input placed at file:line:col, and nothing runs', () => {
    const { dir, file } = scenarioFile(
      SCENARIO.replace('balancer: { strategy: p2c }', 'balancer: { retry: { atempts: 3 } }'),
    );
    const r = lbsim(['compare', file, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `lbsim: ${file}:12:41: compare.variants[1].balancer.retry.atempts: unknown key, did you mean attempts?\n`,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses to compare nothing with exit 2', () => {
    const { file } = scenarioFile(SCENARIO.slice(0, SCENARIO.indexOf('compare:')));
    const none = lbsim(['compare', file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('lbsim: nothing to compare: add a compare: section or --strategies\n');
  });
});
