import { Rng } from '../src/core/rng.js';
import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { createLimiterQueue } from '../src/gateway/limit/queue.js';
import { createLimiter } from '../src/gateway/limit/registry.js';
import type { LimiterConfig } from '../src/gateway/limit/limiter.js';
import { backoffDelay, createBackoff } from '../src/gateway/retry/backoff.js';
import type { JitterKind } from '../src/gateway/retry/backoff.js';
import { createRetryBudget } from '../src/gateway/retry/budget-registry.js';
import {
  classifyForRetry,
  createRetryPolicy,
  nextRetryDelay,
} from '../src/gateway/retry/retry-policy.js';
import { parseRetryAfter } from '../src/gateway/retry/retry-after.js';
import type { AttemptOutcome } from '../src/gateway/outcome.js';
import { measure, printTable } from './harness.js';
import type { BenchRow } from './harness.js';

/** ns per limiter decision, backoff computation, retry decision and budget decision. */
export function run(): void {
  let sink = 0;
  const rows: BenchRow[] = [];

  // Arrivals at ~2× the limit, so that about half the decisions deny.
  const limiters: LimiterConfig[] = [
    { kind: 'sliding-log', limit: 1000, windowMs: 1000 },
    { kind: 'sliding-window', limit: 1000, windowMs: 1000 },
    { kind: 'token-bucket', ratePerSec: 1000, burst: 100 },
    { kind: 'gcra', ratePerSec: 1000, burst: 100 },
  ];
  for (const cfg of limiters) {
    const l = createLimiter(cfg);
    let t = 0;
    rows.push({
      group: 'limiter',
      name: `${cfg.kind} tryAcquire (~50% denied)`,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          t += 0.5;
          sink += l.tryAcquire(t);
        }
      }),
    });
  }

  {
    const vs = new VirtualScheduler();
    const q = createLimiterQueue(vs, createLimiter({ kind: 'gcra', ratePerSec: 1000, burst: 10 }), {
      maxWaitMs: 50,
      maxQueue: 1000,
    });
    const done = (ok: boolean): void => {
      sink += ok ? 1 : 0;
    };
    rows.push({
      group: 'limiter',
      name: 'LimiterQueue acquire + drain (2× over rate)',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          q.acquire(done);
          vs.advance(0.5);
        }
      }),
    });
  }

  const rng = new Rng('bench');
  for (const jitter of ['none', 'full', 'equal', 'decorrelated'] as JitterKind[]) {
    const cfg = createBackoff({ jitter });
    let prev = 0;
    rows.push({
      group: 'backoff',
      name: `backoffDelay ${jitter}`,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          prev = backoffDelay(cfg, (i & 7) + 1, prev, rng);
          sink += prev;
        }
      }),
    });
  }

  const policy = createRetryPolicy();
  const outcomes: AttemptOutcome[] = [
    { kind: 'http-error', status: 503 },
    { kind: 'http-error', status: 429, retryAfterMs: 1500 },
    { kind: 'reset' },
    { kind: 'http-error', status: 400, code: 'context_length_exceeded' },
  ];
  rows.push({
    group: 'retry',
    name: 'classifyForRetry',
    nsPerOp: measure((n) => {
      for (let i = 0; i < n; i++)
        sink += classifyForRetry(outcomes[i & 3]!, policy) === 'retry' ? 1 : 0;
    }),
  });
  rows.push({
    group: 'retry',
    name: 'nextRetryDelay (with Retry-After)',
    nsPerOp: measure((n) => {
      for (let i = 0; i < n; i++) {
        const d = nextRetryDelay(outcomes[i & 3]!, policy, (i & 3) + 1, 100, rng);
        if (d.kind === 'wait') sink += d.ms;
      }
    }),
  });
  rows.push({
    group: 'retry',
    name: 'parseRetryAfter (HTTP-date)',
    nsPerOp: measure((n) => {
      for (let i = 0; i < n; i++) {
        sink +=
          parseRetryAfter({ retryAfter: 'Wed, 15 Jan 2025 12:00:30 GMT' }, 1736942400000) ?? 0;
      }
    }, 2000),
  });

  for (const kind of ['none', 'ratio', 'token-bucket'] as const) {
    const b = createRetryBudget({ kind });
    let t = 0;
    rows.push({
      group: 'budget',
      name: `${kind}: onRequest + onAttemptResult + tryRetry`,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          t += 0.1;
          b.onRequest(t);
          b.onAttemptResult((i & 3) === 0);
          sink += b.tryRetry(t) ? 1 : 0;
        }
      }),
    });
  }

  printTable('limit, retry and budgets (ns per decision)', rows);
  if (sink === 42) console.log('');
}
