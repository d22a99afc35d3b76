import { Rng } from '../src/core/rng.js';
import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { measure, printTable } from './harness.js';

export function run(): void {
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
  ];
  printTable('core', rows);
  if (sink === 42) console.log('');
}
