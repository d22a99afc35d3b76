import type { Clock } from '../../core/clock.js';
import type { AttemptCall, Transport } from '../../gateway/dispatcher.js';
import type { Exchange } from './exchange.js';
import { UpstreamAttempt } from './upstream-attempt.js';
import type { UpstreamTarget } from './upstream-target.js';

/**
 * The dispatcher's transport over HTTP: attempt number `call.upstream` goes to `targets[i]`'s
 * pool. The request the dispatcher carries is the proxy's Exchange.
 */
export class HttpTransport implements Transport {
  constructor(
    private readonly targets: readonly UpstreamTarget[],
    private readonly clock: Clock,
  ) {}

  send(call: AttemptCall): void {
    const ex = call.request as Exchange;
    const target = this.targets[call.upstream]!;
    ex.target = target;
    ex.attempts++;
    const attempt = new UpstreamAttempt(call, ex, target, this.clock);
    call.abort = attempt.abort;
    attempt.dispatch();
  }
}
