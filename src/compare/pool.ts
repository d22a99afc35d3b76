import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunResult } from '../run/result.js';
import type { VariantJob } from './run-variant.js';
import type { WorkerAnswer } from './worker.js';

/**
 * Starts one worker. Compiled, worker.js sits next to this file. From source (tests, tsx) only
 * worker.ts exists, and a worker does not inherit tsx's loader, nor take it from `--import tsx`
 * in its execArgv (Node 20): a small bootstrap registers tsx in the worker, then loads worker.ts.
 */
export function startWorker(): Worker {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${ts}); });`,
    { eval: true },
  );
}

/**
 * Runs the jobs on a pool of worker threads (one per core, at most one per job) and gives the
 * results in job order. Each simulation is a pure function of its job, so the results are the
 * same as running the jobs one by one.
 */
export function runInWorkers(
  jobs: readonly VariantJob[],
  size = availableParallelism(),
): Promise<RunResult[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  const results: RunResult[] = new Array<RunResult>(jobs.length);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<RunResult[]>((resolve, reject) => {
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        err === null ? resolve(results) : reject(err),
      );
    };
    const feed = (w: Worker): void => {
      if (next < jobs.length) {
        const id = next++;
        w.postMessage({ id, job: jobs[id] });
      }
    };
    for (let i = 0; i < Math.max(1, Math.min(size, jobs.length)); i++) {
      const w = startWorker();
      workers.push(w);
      w.on('message', (a: WorkerAnswer) => {
        if (!a.ok) return finish(new Error(`variant ${a.id + 1} failed in its worker: ${a.error}`));
        results[a.id] = a.result;
        if (++done === jobs.length) return finish(null);
        feed(w);
      });
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => {
        if (code !== 0) finish(new Error(`a compare worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}
