import type { RunResult } from '../run/result.js';
import { formatSloValue } from './format.js';

// XML 1.0 cannot carry these at all, even as character references.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text and attribute values (double-quoted) in XML. */
export function escapeXml(s: string): string {
  return s
    .replace(INVALID_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  classname: string;
  name: string;
  out: string;
  failure?: { message: string; detail: string };
}

function casesOf(r: RunResult): Case[] {
  const suite = r.scenario.name;
  const cases: Case[] = r.slo.map((x) => {
    const target = `${x.op} ${formatSloValue(x.name, x.target)}`;
    const actual = formatSloValue(x.name, x.actual);
    // The name stays the measure's, so CI test history survives a change of target.
    const c: Case = {
      classname: `${suite}.slo`,
      name: x.name,
      out: `target ${target}, actual ${actual}`,
    };
    if (!x.pass)
      c.failure = {
        message: `${x.name}: actual ${actual}, target ${target}`,
        detail: `${x.name}: target ${target}, actual ${actual}`,
      };
    return c;
  });
  for (const i of r.invariants) {
    const c: Case = {
      classname: `${suite}.invariant`,
      name: i.name,
      out: `${i.violations} violation(s)`,
    };
    if (!i.pass)
      c.failure = {
        message: `${i.name}: ${i.violations} violation(s), target 0`,
        detail: `first violation: ${i.firstViolation ?? 'not recorded'}`,
      };
    cases.push(c);
  }
  return cases;
}

/** A JUnit XML report (--junit FILE): one test case per SLO and per invariant. */
export function renderJunit(results: readonly RunResult[]): string {
  const suites = results.map((r) => {
    const cases = casesOf(r);
    const failures = cases.filter((c) => c.failure !== undefined).length;
    const body = cases
      .map((c) => {
        const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"`;
        const out = `      <system-out>${escapeXml(c.out)}</system-out>`;
        if (c.failure === undefined) return `${open}>\n${out}\n    </testcase>`;
        return `${open}>\n      <failure type="${c.classname.endsWith('.slo') ? 'slo' : 'invariant'}" message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.detail)}</failure>\n${out}\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${escapeXml(r.scenario.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">
    <properties>
      <property name="file" value="${escapeXml(r.scenario.file)}"/>
      <property name="seed" value="${escapeXml(r.scenario.seed)}"/>
      <property name="mode" value="${escapeXml(r.scenario.mode)}"/>
    </properties>
${body}
  </testsuite>`;
  });
  const tests = results.reduce((n, r) => n + r.slo.length + r.invariants.length, 0);
  const failures = results.reduce(
    (n, r) => n + r.slo.filter((x) => !x.pass).length + r.invariants.filter((i) => !i.pass).length,
    0,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lbsim" tests="${tests}" failures="${failures}" errors="0">
${suites.join('\n')}
</testsuites>
`;
}
