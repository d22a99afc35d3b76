import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/commands/run.js';
import { InputError } from '../../src/core/errors.js';
import { applyBaseline } from '../../src/slo/baseline.js';
import { lbsim } from '../compare/lbsim.js';

// The primary is down from 2 s to 5 s; retries hide it from clients, a single attempt does not.
const scenario = (attempts: number) => `name: gate
seed: 5
duration: 8s
upstreams: [{ name: primary, latency: 30ms }, { name: secondary, latency: 30ms }]
faults: [{ upstream: primary, at: 2s, for: 3s, kind: down }]
balancer: { retry: { attempts: ${attempts} } }
load: { rate: 50/s }
`;

async function runScenario(dir: string, name: string, attempts: number): Promise<string> {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'gate.yaml');
  writeFileSync(file, scenario(attempts));
  const out = join(dir, name, 'out');
  await runFile(file, { mode: 'sim', out, quiet: true }, false);
  return out;
}

describe('baseline gate (end to end)', { timeout: 90_000 }, () => {
  it('a deliberately worse configuration fails against the baseline, naming what regressed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-baseline-'));
    const good = await runScenario(dir, 'good', 3);
    const worse = await runScenario(dir, 'worse', 1);
    const baseline = join(dir, 'reports', 'baseline.json');

    const update = lbsim(['baseline', 'update', good, '--to', baseline]);
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(update.stdout).toBe(`wrote ${baseline} (1 scenarios: gate.yaml)\n`);
    const stored = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(stored.format).toBe('lbsim-baseline/1');
    expect(stored.results['gate.yaml']).not.toHaveProperty('series');

    // In process: the hook `lbsim run --baseline` calls.
    const same = applyBaseline(
      JSON.parse(readFileSync(join(good, 'result.json'), 'utf8')),
      baseline,
    );
    expect(same.pass).toBe(true);
    expect(same.regressions.every((r) => r.pass)).toBe(true);
    const worseResult = applyBaseline(
      JSON.parse(readFileSync(join(worse, 'result.json'), 'utf8')),
      baseline,
    );
    expect(worseResult.pass).toBe(false);
    const errorRate = worseResult.regressions.find((r) => r.name === 'errorRate')!;
    expect(errorRate.pass).toBe(false);
    expect(errorRate.actual!).toBeGreaterThan(errorRate.baseline! + 0.01);

    const check = lbsim(['baseline', 'check', worse, '--baseline', baseline]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^errorRate\s+\S+%\s+<= \S+%\s+\S+%\s+REGRESSION$/m);
    expect(check.stdout).toMatch(
      /regressions?: .*errorRate [\d.]+% \(baseline [\d.]+%, limit [\d.]+%\)/,
    );
    expect(lbsim(['baseline', 'check', good, '--baseline', baseline]).code).toBe(0);
  });

  it('update is all or nothing: an invalid source leaves the baseline as it was, no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-baseline-'));
    const baseline = join(dir, 'baseline.json');
    const before = '{"format":"lbsim-baseline/1","results":{}}\n';
    writeFileSync(baseline, before);
    const bad = join(dir, 'result.json');
    writeFileSync(bad, '{"format":"lbsim-result/1","scenario":{"name":"x"}}');
    const r = lbsim(['baseline', 'update', bad, join(dir, 'missing.json'), '--to', baseline]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${bad}:1:1: scenario.file: required`));
    expect(readFileSync(baseline, 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['baseline.json', 'result.json']);
    // Nor is a baseline created from nothing.
    const fresh = join(dir, 'new', 'baseline.json');
    expect(lbsim(['baseline', 'update', join(dir, 'missing.json'), '--to', fresh]).code).toBe(2);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('refuses a baseline recorded with other settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-baseline-'));
    const good = join(await runScenario(dir, 'good', 3), 'result.json');
    const other = JSON.parse(readFileSync(good, 'utf8'));
    other.scenario.seed = '6';
    const otherFile = join(dir, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other));
    const result = JSON.parse(readFileSync(good, 'utf8'));
    expect(() => applyBaseline(result, otherFile)).toThrow(InputError);
    expect(() => applyBaseline(result, otherFile)).toThrow(/run with seed 6, this run with seed 5/);
  });
});
