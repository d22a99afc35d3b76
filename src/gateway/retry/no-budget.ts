import type { RetryBudget } from './budget.js';

/** Unlimited: every retry allowed. Retries can then multiply an outage's load by `attempts`. */
export class NoBudget implements RetryBudget {
  onRequest(_now: number): void {}
  onAttemptResult(_failure: boolean): void {}
  tryRetry(_now: number): boolean {
    return true;
  }
}
