import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wallClockIso } from '../core/real-scheduler.js';
import { terminalSummary } from '../report/terminal.js';
import { writeRunReports } from '../report/write.js';
import { applyBaseline } from '../slo/baseline.js';
import { regressionSummary } from '../slo/regression-text.js';
import { LIVE_TOLERANCES, SIM_TOLERANCES } from '../slo/regression.js';
import { repeatLine, type RepeatStats } from './repeat.js';
import type { RunMeta, RunResult } from './result.js';
import { writeAtomically } from './write-atomically.js';

export interface FinishOptions {
  /** Directory for result.json, meta.json, index.html and summary.md. */
  dir: string;
  /** The scenario file, shown (escaped) in the HTML report. */
  file: string;
  version: string;
  quiet?: boolean | undefined;
  junit?: string | undefined;
  /** A baseline.json or result.json to compare with; regressions fail the run. */
  baseline?: string | undefined;
  /** Lines printed after the summary (e.g. how a live load generator kept up). */
  notes?: readonly string[] | undefined;
}

/**
 * What every run does at its end, simulated or live: compare with the baseline, write
 * result.json (deterministic for a seed in the simulator), meta.json (wall-clock facts), the
 * HTML and Markdown reports and JUnit, then print the summary. Returns the final result.
 */
export function finishRun<R extends RunResult>(result: R, o: FinishOptions): R {
  const tolerances = result.scenario.mode === 'live' ? LIVE_TOLERANCES : SIM_TOLERANCES;
  const final = (
    o.baseline === undefined ? result : applyBaseline(result, o.baseline, tolerances)
  ) as R;
  writeAtomically(join(o.dir, 'result.json'), `${JSON.stringify(final, null, 2)}\n`);
  const meta: RunMeta = {
    lbsimVersion: o.version,
    createdAt: wallClockIso(),
    node: process.version,
  };
  writeAtomically(join(o.dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  writeRunReports(o.dir, final, readFileSync(o.file, 'utf8'), { junit: o.junit });
  if (!o.quiet) {
    const lines = [terminalSummary(final)];
    if ('regressions' in final)
      lines.push(regressionSummary(final.regressions as Parameters<typeof regressionSummary>[0]));
    if ('repeats' in final) lines.push(repeatLine(final.repeats as RepeatStats));
    lines.push(...(o.notes ?? []));
    lines.push(`wrote ${join(o.dir, 'result.json')} and index.html`, '');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return final;
}
