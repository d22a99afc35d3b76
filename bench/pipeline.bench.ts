import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { Availability } from '../src/gateway/availability.js';
import { Dispatcher, type AttemptCall, type Transport } from '../src/gateway/dispatcher.js';
import { OK_200 } from '../src/gateway/outcome.js';
import type { GatewayRequest } from '../src/gateway/request.js';
import { RoundRobin } from '../src/gateway/strategy/round-robin.js';
import { UpstreamTable } from '../src/gateway/upstream-table.js';
import { measure, printTable, type BenchRow } from './harness.js';

function build(transport: Transport, scheduler: VirtualScheduler, withTimeouts: boolean) {
  const table = new UpstreamTable(Array.from({ length: 10 }, (_, i) => ({ name: `u${i}` })));
  return new Dispatcher({
    table,
    availability: new Availability(table),
    strategy: new RoundRobin(table.n),
    scheduler,
    retry: {
      maxAttempts: 3,
      shouldRetry: () => true,
      backoff: () => 100,
      honourRetryAfter: true,
      retryAfterMaxMs: 30_000,
    },
    timeouts: {
      perTryMs: withTimeouts ? 5000 : Infinity,
      firstTokenMs: Infinity,
      idleMs: Infinity,
      totalMs: withTimeouts ? 15_000 : Infinity,
    },
    breakers: table.names.map(() => null),
    upstreamLimiters: table.names.map(() => null),
    outlier: null,
    budget: null,
    limiter: null,
    limiterQueue: null,
    listener: {},
    transport,
  });
}

/** The dispatch pipeline per request on a virtual clock: sync answers, and answers after a timer. */
export function run(): void {
  const rows: BenchRow[] = [];
  let done = 0;
  const onDone = (): void => {
    done++;
  };
  const req: GatewayRequest = { id: 1, key: undefined, stream: false, cost: 1 };
  {
    const s = new VirtualScheduler();
    const d = build({ send: (call: AttemptCall) => call.end(OK_200) }, s, false);
    rows.push({
      group: 'pipeline',
      name: 'dispatch, sync answer, no timeouts',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) d.dispatch(req, onDone);
      }),
      target: 1000,
    });
  }
  {
    const s = new VirtualScheduler();
    const d = build({ send: (call: AttemptCall) => call.end(OK_200) }, s, true);
    rows.push({
      group: 'pipeline',
      name: 'dispatch, sync answer, watchdog armed',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) d.dispatch(req, onDone);
        s.runAll();
      }),
      target: 1000,
    });
  }
  {
    const s = new VirtualScheduler();
    const d = build(
      { send: (call: AttemptCall) => void s.setTimer(50, () => call.end(OK_200)) },
      s,
      true,
    );
    rows.push({
      group: 'pipeline',
      name: 'steady state: 1 req/ms, 50 ms answers, watchdog',
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          d.dispatch(req, onDone);
          s.advance(1);
        }
        s.runAll();
      }),
      target: 1000,
    });
  }
  printTable('dispatch pipeline (ns per request, virtual clock)', rows);
  if (done < 0) console.log(done);
}
