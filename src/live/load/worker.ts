import { parentPort, workerData } from 'node:worker_threads';
import { RealScheduler } from '../../core/real-scheduler.js';
import { createLoop } from './create-loop.js';
import { EventBatch } from './event-batch.js';
import { warmUp } from './warm-up.js';
import type { ControlMessage, LoadSpec, WorkerMessage } from './types.js';

// The load worker: runs one load loop off the gateway's event loop and posts what clients saw.
const port = parentPort;
if (port === null) throw new Error('the load worker must run in a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);
const scheduler = new RealScheduler();
const batch = new EventBatch(scheduler, (events) => post({ type: 'events', events }));
const loop = createLoop(workerData as LoadSpec, scheduler, batch.add);
let started = false;
port.on('message', (m: ControlMessage) => {
  if (m.type === 'start' && !started) {
    started = true;
    loop.run(m.t0).then(
      (stats) => {
        batch.flush();
        post({ type: 'done', stats });
        port.close();
      },
      (err: unknown) => {
        batch.flush();
        post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
        port.close();
      },
    );
  } else if (m.type === 'stop') {
    if (started) loop.stop(m.graceMs);
    else port.close();
  }
});
// A failed warm-up only costs a slow first second.
warmUp().then(
  () => post({ type: 'ready' }),
  () => post({ type: 'ready' }),
);
