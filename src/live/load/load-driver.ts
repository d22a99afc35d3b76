import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  ClientEvent,
  ControlMessage,
  GeneratorStats,
  LoadSpec,
  WorkerMessage,
} from './types.js';

/** The load generator as the engine sees it: it runs in its own thread and reports events. */
export interface LoadDriver {
  /** Resolves once the thread has loaded and waits for start(). */
  readonly ready: Promise<void>;
  /** Load time 0 falls at `t0` (epoch ms, realClock); the first sends are scheduled from it. */
  start(t0: number): void;
  /** The generator's own account, once the load has stopped and every request has ended. */
  readonly done: Promise<GeneratorStats>;
  /** Stops sending now; requests in flight get `graceMs`, then are aborted. */
  stop(graceMs: number): void;
  /** Ends the thread at once (requests in flight are lost). */
  terminate(): Promise<void>;
}

/**
 * The worker next to this file: worker.js when compiled. Run from TypeScript sources (tests,
 * tsx) a thread does not inherit the parent's loader, so a one-line stub loads tsx in the thread
 * and then imports worker.ts.
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: new URL('./worker.js', here), eval: false };
  const tsx = createRequire(here).resolve('tsx/cjs');
  const target = fileURLToPath(new URL('./worker.ts', here));
  return {
    entry: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(target)});`,
    eval: true,
  };
}

/** Starts the load worker for `spec`; `onEvents` gets what clients saw, in small batches. */
export function startLoad(spec: LoadSpec, onEvents: (events: ClientEvent[]) => void): LoadDriver {
  const w = workerEntry();
  const worker = new Worker(w.entry, { workerData: spec, eval: w.eval });
  let settled = false;
  let onReady = (): void => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<GeneratorStats>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'events') onEvents(m.events);
      else if (m.type === 'ready') onReady();
      else if (m.type === 'done') {
        settled = true;
        resolve(m.stats);
      } else {
        settled = true;
        reject(new Error(`load generator: ${m.message}`));
      }
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator stopped early (exit ${code})`));
    });
  });
  // Nobody may be waiting on `done` when the thread fails before start().
  done.catch(() => {});
  return {
    ready,
    done,
    start(t0) {
      worker.postMessage({ type: 'start', t0 } satisfies ControlMessage);
    },
    stop(graceMs) {
      if (!settled) worker.postMessage({ type: 'stop', graceMs } satisfies ControlMessage);
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
