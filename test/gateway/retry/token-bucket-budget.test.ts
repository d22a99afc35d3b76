import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../../src/gateway/retry/budget-registry.js';
import { NoBudget } from '../../../src/gateway/retry/no-budget.js';
import { createTokenBucketBudget } from '../../../src/gateway/retry/token-bucket-budget.js';

describe('token-bucket retry budget (gRPC retry throttling)', () => {
  it('allows a retry exactly while tokens > maxTokens/2, following a model (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.constantFrom('fail', 'ok', 'retry'), { maxLength: 300 }),
        (maxTokens, ratioMilli, ops) => {
          const b = createTokenBucketBudget({
            kind: 'token-bucket',
            maxTokens,
            tokenRatio: ratioMilli / 1000,
          });
          let milli = maxTokens * 1000; // the model, in exact thousandths
          for (const op of ops) {
            if (op === 'fail') {
              b.onAttemptResult(true);
              milli = Math.max(0, milli - 1000);
            } else if (op === 'ok') {
              b.onAttemptResult(false);
              milli = Math.min(maxTokens * 1000, milli + ratioMilli);
            } else {
              expect(b.tryRetry(0)).toBe(milli > (maxTokens * 1000) / 2);
            }
            expect(b.tokens).toBe(milli / 1000);
          }
        },
      ),
    );
  });

  it('defaults 10 tokens, ratio 0.1: blocks once tokens fall to half, reopens just above', () => {
    const b = createRetryBudget({ kind: 'token-bucket' });
    for (let i = 0; i < 4; i++) b.onAttemptResult(true);
    expect(b.tryRetry(0)).toBe(true); // 6 > 5
    b.onAttemptResult(true);
    expect(b.tryRetry(0)).toBe(false); // 5 is not > 5
    b.onAttemptResult(false);
    expect(b.tryRetry(0)).toBe(true); // 5.1
    b.onAttemptResult(true);
    expect(b.tryRetry(0)).toBe(false); // 4.1
    for (let i = 0; i < 9; i++) b.onAttemptResult(false);
    expect(b.tryRetry(0)).toBe(false); // 5.0 exactly: thousandths add up, 0.1·9 does not drift above
    b.onAttemptResult(false);
    expect(b.tryRetry(0)).toBe(true); // 5.1
  });

  it('validates eagerly', () => {
    expect(() => createRetryBudget({ kind: 'token-bucket', maxTokens: 0 })).toThrow(
      /budget\.maxTokens.*0/,
    );
    expect(() => createRetryBudget({ kind: 'token-bucket', maxTokens: 5000 })).toThrow(
      /budget\.maxTokens.*5000/,
    );
    expect(() => createRetryBudget({ kind: 'token-bucket', tokenRatio: 0 })).toThrow(
      /budget\.tokenRatio.*0/,
    );
  });
});

describe('none budget', () => {
  it('always allows', () => {
    const b = createRetryBudget({ kind: 'none' });
    expect(b).toBeInstanceOf(NoBudget);
    for (let i = 0; i < 1000; i++) {
      b.onAttemptResult(true);
      expect(b.tryRetry(i)).toBe(true);
    }
  });
});
