import type { Scheduler, Timer } from '../src/core/clock.js';
import { FifoScheduler } from '../src/core/fifo-scheduler.js';
import { RealScheduler } from '../src/core/real-scheduler.js';
import { Rng } from '../src/core/rng.js';
import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { measure, printTable, type BenchRow } from './harness.js';

const TIMEOUT_MS = 30_000;

/** A gateway watchdog's life: set a long timer, cancel it when the answer comes back. */
function setCancel(s: Scheduler, inflight: number, window: Timer[]): (n: number) => void {
  const noop = (): void => {};
  for (let i = 0; i < inflight; i++) window.push(s.setTimer(TIMEOUT_MS, noop));
  let oldest = 0;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const t = s.setTimer(TIMEOUT_MS, noop);
      if (inflight === 0) t.cancel();
      else {
        window[oldest]!.cancel();
        window[oldest] = t;
        oldest = (oldest + 1) % inflight;
      }
    }
  };
}

/** CPU time per timer to set `count` timers of 1 ms and let them all fire; the best of `runs`. */
async function setAndFire(s: Scheduler, count: number, runs = 7): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    let left = count;
    const cpu0 = process.cpuUsage();
    await new Promise<void>((resolve) => {
      const fire = (): void => {
        if (--left === 0) resolve();
      };
      for (let i = 0; i < count; i++) s.setTimer(1, fire);
    });
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, ((cpu.user + cpu.system) * 1000) / count);
  }
  return best;
}

async function timerRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const schedulers: [string, () => Scheduler & { dispose?(): void }][] = [
    ['RealScheduler', () => new RealScheduler()],
    ['FifoScheduler', () => new FifoScheduler()],
  ];
  for (const inflight of [0, 1000]) {
    for (const [name, make] of schedulers) {
      const s = make();
      const window: Timer[] = [];
      const what = inflight === 0 ? 'set+cancel one timer' : `set+cancel, ${inflight} in flight`;
      rows.push({
        group: 'timers',
        name: `${what} (${name})`,
        nsPerOp: measure(setCancel(s, inflight, window)),
      });
      for (const t of window) t.cancel();
      s.dispose?.();
    }
  }
  for (const [name, make] of schedulers) {
    const s = make();
    const nsPerOp = await setAndFire(s, 10_000);
    rows.push({ group: 'timers', name: `set 10k x 1 ms, let fire, CPU (${name})`, nsPerOp });
    s.dispose?.();
  }
  return rows;
}

export async function run(): Promise<void> {
  const rng = new Rng('bench');
  let sink = 0;
  const rows = [
    {
      group: 'rng',
      name: 'next()',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) sink += rng.next();
      }),
    },
    {
      group: 'rng',
      name: 'lognormal()',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) sink += rng.lognormal(80, 400);
      }),
    },
    {
      group: 'scheduler',
      name: 'setTimer+fire (1k pending)',
      nsPerOp: measure((n) => {
        const s = new VirtualScheduler();
        const noop = (): void => {
          sink++;
        };
        for (let i = 0; i < 1000; i++) s.setTimer(rng.next() * 1000, noop);
        for (let i = 0; i < n; i++) {
          s.setTimer(rng.next() * 1000, noop);
          s.runNext();
        }
      }),
    },
    ...(await timerRows()),
  ];
  printTable('core', rows);
  if (sink === 42) console.log('');
}
