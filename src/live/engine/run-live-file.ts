import { basename, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { finishRun } from '../../run/finish.js';
import { medianResult } from '../../run/repeat.js';
import { buildResult, type RunResult } from '../../run/result.js';
import type { Scenario } from '../../scenario/schema.js';
import { evaluateSlo } from '../../slo/evaluate.js';
import type { GeneratorStats } from '../load/types.js';
import { runLive } from './live-engine.js';

export interface LiveFileOptions {
  seed?: string | undefined;
  durationMs?: number | undefined;
  allowRemote?: boolean | undefined;
  quiet?: boolean | undefined;
  outDir: string;
  version: string;
  junit?: string | undefined;
  baseline?: string | undefined;
  /** Runs (1 by default), each with the same seed; more than one reports the median. */
  repeat?: number | undefined;
  /** Aborted on Ctrl-C (the CLI owns the signal handlers): the run stops and writes a partial result. */
  signal?: AbortSignal | undefined;
}

/** result.json of a live run: the simulator's shape, plus how the load generator kept up. */
export interface LiveResult extends RunResult {
  generator: GeneratorStats | null;
  interrupted: boolean;
}

/** The run was stopped by Ctrl-C; its partial result has been written. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(readonly dir: string) {
    super(`the partial result is in ${join(dir, 'result.json')}`);
    this.name = 'Interrupted';
  }
}

/** The generator was the limit, not the system under test: the numbers understate the load. */
export function generatorWarning(g: GeneratorStats | null): string | null {
  if (g === null) return 'warning: the load generator did not report; the load may be incomplete';
  const parts: string[] = [];
  if (g.lateSends > 0)
    parts.push(
      `${g.lateSends} sends later than ${g.lateToleranceMs} ms (worst ${Math.round(g.maxLagMs)} ms)`,
    );
  if (g.droppedSends > 0)
    parts.push(`${g.droppedSends} sends dropped at ${g.maxInflight} in flight`);
  if (parts.length === 0) return null;
  return `warning: the load generator fell behind: ${parts.join(', ')}; the offered load was lower than the scenario's`;
}

/** `lbsim run --mode live` for one scenario: runs it, writes result.json and meta.json, prints the summary. */
export async function runLiveFile(
  file: string,
  scenario: Scenario,
  o: LiveFileOptions,
): Promise<LiveResult> {
  const showProgress = !o.quiet && process.stderr.isTTY === true;
  const bar = showProgress
    ? new SingleBar({
        format: `${scenario.name ?? basename(file)} [{bar}] {percentage}% (live, {value}/{total} s)`,
        clearOnComplete: true,
        stream: process.stderr,
      })
    : null;
  const signal = o.signal ?? new AbortController().signal;
  const results: LiveResult[] = [];
  const repeat = o.repeat ?? 1;
  for (let i = 0; i < repeat && !signal.aborted; i++) {
    const durationS = Math.ceil((o.durationMs ?? scenario.duration) / 1000);
    bar?.start(durationS, 0);
    let run;
    try {
      run = await runLive(scenario, {
        seed: o.seed,
        durationMs: o.durationMs,
        allowRemote: o.allowRemote,
        signal,
        onProgress: bar === null ? undefined : (t) => bar.update(Math.floor(t / 1000)),
      });
    } finally {
      bar?.stop();
    }
    const base = buildResult(
      {
        name: scenario.name ?? basename(file),
        file: basename(file),
        seed: run.seed,
        mode: 'live',
        durationMs: run.durationMs,
      },
      run.metrics,
      evaluateSlo(scenario.slo, run.metrics),
    );
    results.push({
      ...base,
      pass: base.pass && !run.interrupted,
      generator: run.generator,
      interrupted: run.interrupted,
    });
    // Ctrl-C: the interrupted run alone is written, as a partial result.
    if (run.interrupted) break;
  }
  const last = results[results.length - 1]!;
  const result: LiveResult =
    last.interrupted || results.length === 1 ? last : medianResult(results, scenario.slo);
  const g = result.generator;
  const final = finishRun(result, {
    dir: o.outDir,
    file,
    version: o.version,
    quiet: o.quiet,
    junit: o.junit,
    baseline: o.baseline,
    notes: [
      ...(g === null
        ? []
        : [
            `load: ${g.driver}, ${g.sent} sent, worst lag ${Math.round(g.maxLagMs)} ms, ${g.cutOff} cut off at the end`,
          ]),
      'live run: timings are real and vary between runs',
    ],
  });
  results.forEach((r, i) => {
    const warning = generatorWarning(r.generator);
    const which = results.length > 1 ? `run ${i + 1} of ${results.length}: ` : '';
    if (warning !== null && r.generator !== null)
      process.stderr.write(`lbsim: ${which}${warning}\n`);
  });
  if (result.interrupted) throw new InterruptedError(o.outDir);
  return final;
}
