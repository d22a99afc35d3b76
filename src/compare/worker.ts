import { parentPort } from 'node:worker_threads';
import { runVariant, type VariantJob } from './run-variant.js';

/** Worker entry: runs the jobs it is sent, one at a time, and answers each with its result. */
export type WorkerAnswer =
  | { id: number; ok: true; result: ReturnType<typeof runVariant> }
  | { id: number; ok: false; error: string };

parentPort?.on('message', (msg: { id: number; job: VariantJob }) => {
  let answer: WorkerAnswer;
  try {
    answer = { id: msg.id, ok: true, result: runVariant(msg.job) };
  } catch (err) {
    answer = {
      id: msg.id,
      ok: false,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    };
  }
  parentPort?.postMessage(answer);
});
