import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { FAILING_YAML, hostile, OUTAGE_YAML, simulate, simulateUncached } from './simulate.js';
import { parseXml } from './xml.js';

const passing = simulate(OUTAGE_YAML);
const failing = simulate(FAILING_YAML);

describe('JUnit report', () => {
  it('has one passing test case per SLO and per invariant', () => {
    const xml = parseXml(renderJunit([passing]));
    expect(xml.name).toBe('testsuites');
    expect(xml.attrs).toMatchObject({ tests: '8', failures: '0' });
    const suite = xml.children[0]!;
    expect(suite.attrs).toMatchObject({ name: 'short outage', tests: '8', failures: '0' });
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => `${c.attrs['classname']}: ${c.attrs['name']}`)).toEqual([
      'short outage.slo: p99',
      'short outage.slo: errorRate',
      'short outage.slo: failoverTime',
      'short outage.invariant: one-outcome-per-request',
      'short outage.invariant: no-attempt-while-breaker-open',
      'short outage.invariant: upstream-rate-within-limit',
      'short outage.invariant: attempts-within-max',
      'short outage.invariant: no-truncated-success',
    ]);
    expect(cases.every((c) => !c.children.some((x) => x.name === 'failure'))).toBe(true);
    expect(cases[0]!.children[0]!.text).toBe('target <= 2.00 s, actual 355 ms');
  });

  it('gives each failing SLO a failure with its target and actual', () => {
    const xml = parseXml(renderJunit([passing, failing]));
    expect(xml.attrs).toMatchObject({ tests: '17', failures: '4' });
    const suite = xml.children[1]!;
    expect(suite.attrs).toMatchObject({ tests: '9', failures: '4' });
    const failures = suite.children
      .flatMap((c) => c.children)
      .filter((c) => c.name === 'failure')
      .map((f) => f.attrs['message']);
    expect(failures).toEqual([
      'p99: actual 160 ms, target <= 100 ms',
      'errorRate: actual 22.88%, target <= 1.00%',
      'availability: actual 77.12%, target >= 99.90%',
      'failoverTime: actual never, target <= 1.00 s',
    ]);
  });

  it('escapes hostile names and violation texts and stays well-formed', () => {
    const h = hostile(passing);
    const text = renderJunit([h]);
    expect(text).not.toContain('<script>');
    const suite = parseXml(text).children[0]!;
    expect(suite.attrs['name']).toBe(h.scenario.name);
    const broken = suite.children.find((c) => c.attrs['name'] === 'one-outcome-per-request')!;
    const failure = broken.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs['message']).toBe('one-outcome-per-request: 1 violation(s), target 0');
    expect(failure.text).toBe(`first violation: ${h.invariants[0]!.firstViolation}`);
  });

  it('is the same text for the same result', () => {
    expect(renderJunit([failing])).toBe(renderJunit([simulateUncached(FAILING_YAML)]));
  });
});
