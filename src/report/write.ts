import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../run/write-atomically.js';
import type { RunResult } from '../run/result.js';
import type { CompareResult } from './compare-types.js';
import { renderCompareHtml } from './html/compare-page.js';
import { renderRunHtml } from './html/run-page.js';
import { renderJunit } from './junit.js';
import { renderCompareMarkdown, renderRunMarkdown } from './markdown.js';

/** $GITHUB_STEP_SUMMARY, when GitHub Actions sets it, collects the Markdown of every run. */
function appendStepSummary(markdown: string): void {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file !== undefined && file !== '') appendFileSync(file, `${markdown}\n`);
}

/** JUnit XML for one or more runs (one testsuite each). */
export function writeJunit(file: string, results: readonly RunResult[]): void {
  writeAtomically(file, renderJunit(results));
}

/**
 * A run's reports next to its result.json: index.html, summary.md (also appended to
 * $GITHUB_STEP_SUMMARY), and the JUnit file when `options.junit` names one.
 */
export function writeRunReports(
  dir: string,
  result: RunResult,
  scenarioYamlText: string,
  options: { junit?: string | undefined } = {},
): void {
  writeAtomically(join(dir, 'index.html'), renderRunHtml(result, scenarioYamlText));
  const md = renderRunMarkdown(result);
  writeAtomically(join(dir, 'summary.md'), md);
  appendStepSummary(md);
  if (options.junit !== undefined) writeJunit(options.junit, [result]);
}

/** A comparison's index.html and compare.md (also appended to $GITHUB_STEP_SUMMARY). */
export function writeCompareReport(dir: string, compare: CompareResult): void {
  writeAtomically(join(dir, 'index.html'), renderCompareHtml(compare));
  const md = renderCompareMarkdown(compare);
  writeAtomically(join(dir, 'compare.md'), md);
  appendStepSummary(md);
}
