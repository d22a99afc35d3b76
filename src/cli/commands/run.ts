import { basename, extname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseDuration, UnitError } from '../../core/units.js';
import { finishRun } from '../../run/finish.js';
import { onInterrupt } from '../interrupt.js';
import { realClock } from '../../core/real-scheduler.js';
import { medianResult, parseRepeat } from '../../run/repeat.js';
import { buildResult, type RunResult } from '../../run/result.js';
import { loadScenario } from '../../scenario/scenario.js';
import { runLiveFile } from '../../live/engine/run-live-file.js';
import { runSimulation } from '../../sim/engine.js';
import { evaluateSlo } from '../../slo/evaluate.js';
import { VERSION } from '../version.js';

export interface RunOptions {
  mode: string;
  seed?: string | undefined;
  out?: string | undefined;
  duration?: string | undefined;
  quiet?: boolean | undefined;
  junit?: string | undefined;
  baseline?: string | undefined;
  allowRemote?: boolean | undefined;
  repeat?: string | undefined;
}

function checkOptions(o: RunOptions): { durationMs?: number; seed?: string; repeat: number } {
  if (o.mode !== 'sim' && o.mode !== 'live') {
    throw new UsageError(`--mode must be sim or live, got ${JSON.stringify(o.mode)}`);
  }
  const out: { durationMs?: number; seed?: string; repeat: number } = {
    repeat: parseRepeat(o.repeat),
  };
  if (o.seed !== undefined) {
    if (!/^\d+$|^[A-Za-z0-9_.-]+$/.test(o.seed)) {
      throw new UsageError(`--seed must be a number or a word, got ${JSON.stringify(o.seed)}`);
    }
    out.seed = o.seed;
  }
  if (o.duration !== undefined) {
    try {
      out.durationMs = parseDuration(o.duration);
    } catch (err) {
      throw new UsageError(`--duration: ${err instanceof UnitError ? err.message : String(err)}`);
    }
    if (!(out.durationMs > 0)) throw new UsageError('--duration must be more than 0');
  }
  return out;
}

function outDirFor(file: string, o: RunOptions, many: boolean): string {
  const name = basename(file, extname(file));
  if (o.out === undefined) return join('reports', name);
  return many ? join(o.out, name) : o.out;
}

/** Runs one scenario file; returns its result (written to disk) or throws on bad input. */
export function runFile(
  file: string,
  o: RunOptions,
  many: boolean,
): RunResult | Promise<RunResult> {
  const opts = checkOptions(o);
  const scenario = loadScenario(file);
  if (o.mode === 'live') {
    const interrupt = onInterrupt();
    const live = runLiveFile(file, scenario, {
      signal: interrupt.signal,
      seed: opts.seed,
      durationMs: opts.durationMs,
      allowRemote: o.allowRemote,
      quiet: o.quiet,
      outDir: outDirFor(file, o, many),
      version: VERSION,
      junit: o.junit,
      baseline: o.baseline,
      repeat: opts.repeat,
    });
    return live.finally(() => interrupt.dispose());
  }
  const showProgress = !o.quiet && process.stderr.isTTY === true;
  const bar = showProgress
    ? new SingleBar({
        format: `${scenario.name} [{bar}] {percentage}% of simulated time`,
        clearOnComplete: true,
        stream: process.stderr,
      })
    : null;
  // Deterministic: the N runs are identical, so --repeat only checks that (spread 0).
  const runs: RunResult[] = [];
  for (let i = 0; i < opts.repeat; i++) {
    // The bar appears only once a simulation has taken a second: short ones just print.
    const began = realClock.now();
    let shown = false;
    const run = runSimulation(scenario, {
      seed: opts.seed,
      durationMs: opts.durationMs,
      onProgress:
        bar === null
          ? undefined
          : (t, d) => {
              if (!shown && realClock.now() - began < 1000) return;
              if (!shown) bar.start(100, 0);
              shown = true;
              bar.update(Math.floor((100 * t) / d));
            },
    });
    if (shown) bar?.stop();
    runs.push(
      buildResult(
        {
          name: scenario.name ?? basename(file),
          file: basename(file),
          seed: run.seed,
          mode: 'sim',
          durationMs: run.durationMs,
        },
        run.metrics,
        evaluateSlo(scenario.slo, run.metrics),
      ),
    );
  }
  const result = runs.length === 1 ? runs[0]! : medianResult(runs, scenario.slo);
  return finishRun(result, {
    dir: outDirFor(file, o, many),
    file,
    version: VERSION,
    quiet: o.quiet,
    junit: o.junit,
    baseline: o.baseline,
    notes:
      runs.length > 1
        ? ['simulator runs are deterministic: repeated runs are identical (spread 0)']
        : undefined,
  });
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run scenarios (simulated by default) and write reports/<name>/result.json; exit 1 when an SLO or invariant fails',
    )
    .argument('<files...>', 'scenario files (YAML)')
    .option(
      '--mode <mode>',
      'sim (deterministic, virtual time) or live (real sockets on 127.0.0.1)',
      'sim',
    )
    .option('--seed <seed>', "override the scenario's seed")
    .option('--out <dir>', 'output directory (default reports/<scenario file name>)')
    .option('--duration <duration>', "override the scenario's duration, e.g. 30s")
    .option('--quiet', 'print nothing but errors')
    .option('--junit <file>', 'also write JUnit XML: one test case per SLO and invariant')
    .option(
      '--baseline <file>',
      'baseline.json or result.json; exit 1 on a regression beyond tolerance',
    )
    .option(
      '--repeat <n>',
      'run each scenario n times (1 to 20, for live mode) and report the median of each measure',
    )
    .option(
      '--allow-remote',
      "live: let the scenario's target be another machine (lbsim sends it real load)",
    )
    .action(async (files: string[], o: RunOptions) => {
      checkOptions(o);
      let pass = true;
      for (const f of files) pass = (await runFile(f, o, files.length > 1)).pass && pass;
      if (!pass) process.exitCode = 1;
    });
}
