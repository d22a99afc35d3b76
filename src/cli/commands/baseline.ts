import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import {
  applyBaseline,
  readBaseline,
  readResult,
  updateBaseline,
  type BaselineFile,
} from '../../slo/baseline.js';
import { regressionSummary } from '../../slo/regression-text.js';
import { writeAtomically } from '../../run/write-atomically.js';

const DEFAULT_BASELINE = join('reports', 'baseline.json');

/** A run's directory stands for its result.json. */
function resultJsonOf(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, 'result.json');
  } catch {
    // readResult says the file is missing
  }
  return path;
}

/**
 * Adds or replaces results in a baseline. Every input is read and checked before anything is
 * written, and the file is replaced whole (temp file + rename): a bad input leaves it as it was.
 */
export function updateBaselineFile(results: readonly string[], to: string): BaselineFile {
  const read = results.map((f) => readResult(resultJsonOf(f)));
  let existing: BaselineFile | undefined;
  if (existsSync(to)) {
    const b = readBaseline(to);
    if (b.format !== 'lbsim-baseline/1')
      throw new InputError([
        {
          file: to,
          line: 1,
          col: 1,
          path: 'format',
          message: 'is a result.json, not a baseline: choose another --to or remove it',
        },
      ]);
    existing = b;
  }
  const next = updateBaseline(existing, read);
  mkdirSync(dirname(to), { recursive: true });
  writeAtomically(to, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

export function registerBaseline(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('keep reference results and check runs against them (regression gates for CI)');
  baseline
    .command('update')
    .description('add or replace results in a baseline file, atomically')
    .argument('<results...>', 'result.json files (or run directories holding one)')
    .option('--to <file>', 'baseline file', DEFAULT_BASELINE)
    .action((results: string[], o: { to: string }) => {
      const next = updateBaselineFile(results, o.to);
      process.stdout.write(
        `wrote ${o.to} (${Object.keys(next.results).length} scenarios: ${Object.keys(next.results).join(', ')})\n`,
      );
    });
  baseline
    .command('check')
    .description('compare results with a baseline; exit 1 on a regression beyond tolerance')
    .argument('<results...>', 'result.json files (or run directories holding one)')
    .option('--baseline <file>', 'baseline.json or a single result.json', DEFAULT_BASELINE)
    .option('--quiet', 'print only regressions')
    .action((results: string[], o: { baseline: string; quiet?: boolean }) => {
      let pass = true;
      for (const f of results) {
        const r = applyBaseline(readResult(resultJsonOf(f)), o.baseline);
        const regressed = r.regressions.some((x) => !x.pass);
        pass = pass && !regressed;
        if (o.quiet !== true || regressed)
          process.stdout.write(
            `${r.scenario.name} (${r.scenario.file})\n${regressionSummary(r.regressions)}\n\n`,
          );
      }
      if (!pass) process.exitCode = 1;
    });
}
