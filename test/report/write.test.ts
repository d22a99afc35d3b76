import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeCompareReport, writeRunReports } from '../../src/report/write.js';
import { compareFixture, FAILING_YAML, simulate } from './simulate.js';

const failing = simulate(FAILING_YAML);

describe('writeRunReports / writeCompareReport', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes index.html and summary.md, the JUnit file only when asked, no temp files', () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const dir = join(mkdtempSync(join(tmpdir(), 'lbsim-report-')), 'out');
    writeRunReports(dir, failing, FAILING_YAML, {});
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'summary.md']);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^### ❌ flaky single upstream/);
    const junit = join(dir, 'ci', 'junit.xml');
    writeRunReports(dir, failing, FAILING_YAML, { junit });
    expect(readFileSync(junit, 'utf8')).toContain('failures="4"');
    expect(readdirSync(dir).sort()).toEqual(['ci', 'index.html', 'summary.md']);
  });

  it('appends the Markdown to $GITHUB_STEP_SUMMARY when it is set', () => {
    const base = mkdtempSync(join(tmpdir(), 'lbsim-report-'));
    const summary = join(base, 'step-summary.md');
    writeFileSync(summary, 'before\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    writeRunReports(join(base, 'run'), failing, FAILING_YAML, {});
    writeCompareReport(join(base, 'compare'), compareFixture(['round-robin', 'p2c']));
    const text = readFileSync(summary, 'utf8');
    expect(text).toMatch(/^before\n### ❌ flaky single upstream: FAIL\n/);
    expect(text).toContain('### short outage: 2 variants compared');
    expect(existsSync(join(base, 'compare', 'index.html'))).toBe(true);
    expect(existsSync(join(base, 'compare', 'compare.md'))).toBe(true);
  });
});
