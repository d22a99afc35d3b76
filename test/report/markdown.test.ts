import { describe, expect, it } from 'vitest';
import { renderCompareMarkdown, renderRunMarkdown } from '../../src/report/markdown.js';
import {
  compareFixture,
  FAILING_YAML,
  hostile,
  OUTAGE_YAML,
  SCRIPT_PAYLOAD,
  simulate,
  STREAMING_YAML,
} from './simulate.js';

const passing = simulate(OUTAGE_YAML);
const failing = simulate(FAILING_YAML);

describe('summary.md', () => {
  it('a passing run: verdict, measures, faults, SLO table with ✅, invariants held', () => {
    const md = renderRunMarkdown(passing);
    expect(md).toMatch(/^### ✅ short outage: PASS\n/);
    expect(md).toContain('test.yaml · simulated · seed 7 · 20.0 s of load');
    expect(md).toContain(
      '| requests | success | goodput | p50 | p90 | p99 | max | attempts/request |',
    );
    expect(md).toContain('| primary | down | 5.00 s → 11.0 s | 93 ms | 0 (unnoticed) | 1.40 s |');
    expect(md).toContain('| p99 | ≤ 2.00 s | 355 ms | ✅ |');
    expect(md).toContain('| failoverTime | ≤ 5.00 s | 0 | ✅ |');
    expect(md).toContain('Invariants: ✅ all 5 held');
    expect(md).not.toContain('❌');
  });

  it('a failing run names each failing check with target and actual, and the errors', () => {
    const md = renderRunMarkdown(failing);
    expect(md).toMatch(/^### ❌ flaky single upstream: FAIL\n/);
    expect(md).toContain('| p99 | ≤ 100 ms | 160 ms | ❌ |');
    expect(md).toContain('| errorRate | ≤ 1.00% | 22.88% | ❌ |');
    expect(md).toContain('| availability | ≥ 99.90% | 77.12% | ❌ |');
    expect(md).toContain('| failoverTime | ≤ 1.00 s | never | ❌ |');
    expect(md).toContain('Errors: 5xx 59 (18.50%), reset 14 (4.39%)');
  });

  it('lists broken invariants and makes hostile text inert', () => {
    const md = renderRunMarkdown(hostile(passing));
    expect(md).not.toContain(SCRIPT_PAYLOAD);
    expect(md).not.toMatch(/<(script|img|svg|b)\b/i);
    expect(md).toContain('### ❌ &lt;/script&gt;&lt;script&gt;alert\\(1\\)&lt;/script&gt;: FAIL');
    expect(md).toMatch(/\| one-outcome-per-request \| 1 \| &lt;script&gt;.* \| ❌ \|/);
    // every table row still has its columns: no cell was split by a `|` from the data
    for (const line of md.split('\n').filter((l) => l.startsWith('| one-outcome')))
      expect(line.split(/(?<!\\)\|/).length).toBe(6);
  });

  it('a streaming run adds time to first token', () => {
    expect(renderRunMarkdown(simulate(STREAMING_YAML))).toMatch(
      /Streaming: time to first token p50 \d+ ms, p99 \d+ ms; inter-token p99 \d+(\.\d)? ms/,
    );
  });
});

describe('compare.md', () => {
  it('one column per variant, best per row in bold with a star, verdicts', () => {
    const md = renderCompareMarkdown(compareFixture(['round-robin', 'p2c']));
    expect(md).toContain('| | round-robin | p2c |'.replace('| |', '|  |'));
    expect(md).toMatch(/\| latency p99 \| .* \| .* \|/);
    expect(md).toMatch(/\| failover: primary down at 5\.00 s \|/);
    expect(md).toMatch(/\| cost \| .*★/);
    expect(md).toContain('| verdict | ✅ pass | ✅ pass |');
    expect(md).toContain('- **p2c**: strategy: p2c');
  });
});
