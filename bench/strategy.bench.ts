import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../src/core/clock.js';
import { Rng } from '../src/core/rng.js';
import { buildHashRing } from '../src/gateway/strategy/hash-ring.js';
import { peakEwmaUpdate } from '../src/gateway/strategy/peak-ewma-estimate.js';
import { createStrategy, STRATEGY_NAMES } from '../src/gateway/strategy/registry.js';
import type { StrategyName } from '../src/gateway/strategy/registry.js';
import { smoothWrrPick } from '../src/gateway/strategy/smooth-wrr.js';
import { UpstreamTable } from '../src/gateway/upstream-table.js';
import type { BenchRow } from './harness.js';
import { measure, printTable } from './harness.js';

/** The issue's target: a pick under 100 ns at 100 upstreams, for all but consistent-hash. */
const TARGET_NS = 100;
const SIZES = [2, 10, 100, 1000];
const HALF_MASKED_SIZES = [100, 1000];
/** Requests in flight at once: each pick adds one and ends the one picked OUTSTANDING picks ago. */
const OUTSTANDING = 64;
const BUSY_FLOOR = 8;
/** Short batches: on a shared machine more of them run undisturbed, and the best one counts. */
const OPS_PER_BATCH = 2000;
const BUDGET_MS = 400;

let sink = 0;

/**
 * ns per request as the dispatcher drives a strategy: pick, in-flight +1 on the pick and −1 on an
 * older one (so least-connections, p2c and peak-ewma see load move between picks), observe() of a
 * latency (a no-op for strategies that do not learn), and the clock moving 1 ms per request.
 * Weights 1, 2, 3 repeating. Variants: all eligible; half masked out at random; busy (every
 * upstream starts with BUSY_FLOOR in flight).
 */
type Variant = 'all eligible' | 'half masked' | 'busy' | 'pick only';

function benchPick(name: StrategyName, n: number, variant: Variant): number {
  const table = new UpstreamTable(
    Array.from({ length: n }, (_, i) => ({ name: `upstream-${i}`, weight: 1 + (i % 3) })),
  );
  let now = 0;
  const clock: Clock = { now: () => now };
  const strategy = createStrategy(name, { table, rng: new Rng('bench'), clock });
  const setup = new Rng('setup');
  const mask = new Uint8Array(n).fill(1);
  if (variant === 'half masked') for (const i of shuffled(n, setup).slice(0, n >> 1)) mask[i] = 0;
  // no idle upstream, so least-connections cannot stop its scan early
  if (variant === 'busy') table.inflight.fill(BUSY_FLOOR);
  const keys = Array.from({ length: 1024 }, (_, k) => `user-${k * 7919}`);
  if (variant === 'pick only') {
    // The pick alone, as the issue's target counts it: no observe(), no in-flight bookkeeping,
    // loads spread over 0..7 so that least-connections has no idle upstream to stop at.
    for (let i = 0; i < n; i++) table.inflight[i] = 1 + (i % 7);
    return measure(
      (ops) => {
        for (let op = 0; op < ops; op++) {
          sink += strategy.pick(mask, keys[op & 1023]);
          now += 1;
        }
      },
      OPS_PER_BATCH,
      BUDGET_MS,
    );
  }
  const latency = Float64Array.from({ length: 1024 }, () => setup.lognormal(200, 2000));
  const ring = new Int32Array(OUTSTANDING).fill(-1);
  const inflight = table.inflight;
  let k = 0;
  return measure(
    (ops) => {
      for (let op = 0; op < ops; op++, k++) {
        const i = strategy.pick(mask, keys[k & 1023]);
        const slot = k & (OUTSTANDING - 1);
        const done = ring[slot]!;
        if (done >= 0) {
          inflight[done]!--;
          strategy.observe(done, latency[k & 1023]!, (k & 31) !== 0);
        }
        inflight[i]!++;
        ring[slot] = i;
        now += 1;
      }
    },
    OPS_PER_BATCH,
    BUDGET_MS,
  );
}

function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function mathRows(): BenchRow[] {
  const n = 100;
  const current = new Float64Array(n);
  const weight = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
  const mask = new Uint8Array(n).fill(1);
  const names = Array.from({ length: 1000 }, (_, i) => `upstream-${i}`);
  return [
    {
      group: 'math',
      name: 'smoothWrrPick n=100',
      nsPerOp: measure((ops) => {
        for (let op = 0; op < ops; op++) sink += smoothWrrPick(current, weight, mask);
      }),
    },
    {
      group: 'math',
      name: 'peakEwmaUpdate',
      nsPerOp: measure((ops) => {
        let e = 100;
        for (let op = 0; op < ops; op++) e = peakEwmaUpdate(e, 50 + (op & 127), 3, 10_000);
        sink += e;
      }),
    },
    {
      group: 'math',
      name: 'buildHashRing n=1000 x160',
      nsPerOp: measure(() => {
        sink += buildHashRing(names, new Array<number>(1000).fill(160)).points.length;
      }, 1),
    },
  ];
}

function strategyRows(name: StrategyName): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const n of SIZES) {
    const variants: Variant[] = ['all eligible'];
    if (HALF_MASKED_SIZES.includes(n)) variants.push('half masked');
    if (n === 100) variants.push('busy', 'pick only');
    for (const variant of variants) {
      rows.push({
        group: name,
        name: `n=${n}${variant === 'all eligible' ? '' : ` ${variant}`}`,
        nsPerOp: benchPick(name, n, variant),
        target: n === 100 && name !== 'consistent-hash' ? TARGET_NS : undefined,
      });
    }
  }
  return rows;
}

/**
 * Each strategy is measured in its own process. In one process the driver loop's call site sees
 * seven strategy classes, goes megamorphic and slows every strategy after the first by a
 * different amount; a gateway calls one strategy class per run, so that is what is measured.
 */
function isolatedRows(name: StrategyName): BenchRow[] {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, self, name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`strategy bench for ${name} exited with ${child.status}`);
  return JSON.parse(child.stdout) as BenchRow[];
}

export function run(): void {
  const rows: BenchRow[] = [];
  for (const name of STRATEGY_NAMES) rows.push(...isolatedRows(name));
  rows.push(...mathRows());
  printTable(
    'strategy: ns per request (pick + in-flight churn + observe; "pick only": the pick alone)',
    rows,
  );
  if (sink === 42) console.log('');
}

const only = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url) && only !== undefined) {
  const name = STRATEGY_NAMES.find((s) => s === only);
  if (name === undefined) throw new RangeError(`unknown strategy ${JSON.stringify(only)}`);
  process.stdout.write(JSON.stringify(strategyRows(name)));
}
