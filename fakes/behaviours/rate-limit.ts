import type { RespondPlan } from '../plan.js';
import { errorJson, errorShape, formatReset, retryAfterHeaders } from '../render.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A provider's rate limit: requests/min and tokens/min as token buckets a minute deep. A request
 * costs one request and prompt + max_tokens (or the expected output) tokens, as OpenAI counts.
 * Answers 429 with retry-after when a bucket is short, and reports x-ratelimit-* headers.
 */
export class ProviderRateLimit {
  private readonly requests: TokenBucket | null;
  private readonly tokens: TokenBucket | null;

  constructor(
    requestsPerSecond: number | undefined,
    tokensPerSecond: number | undefined,
    now: number,
  ) {
    this.requests = requestsPerSecond
      ? new TokenBucket(requestsPerSecond * 60, requestsPerSecond / 1000, now)
      : null;
    this.tokens = tokensPerSecond
      ? new TokenBucket(tokensPerSecond * 60, tokensPerSecond / 1000, now)
      : null;
  }

  /** null when admitted (the cost is taken), else the 429 to answer with. */
  admit(now: number, tokenCost: number): RespondPlan | null {
    const r = this.requests;
    const t = this.tokens;
    const rOk = r === null || r.has(now, 1);
    const tOk = t === null || t.has(now, tokenCost);
    if (rOk && tOk) {
      r?.take(now, 1);
      t?.take(now, tokenCost);
      return null;
    }
    const wait = Math.max(rOk ? 0 : r!.msUntil(now, 1), tOk ? 0 : t!.msUntil(now, tokenCost));
    const which = rOk ? 'tokens' : 'requests';
    const shape = errorShape(
      429,
      'rate_limit_exceeded',
      `Rate limit reached for ${which} per min. Please try again in ${formatReset(wait)}.`,
    );
    shape.type = which;
    const { body, headers } = errorJson(shape, {
      ...this.headers(now),
      ...retryAfterHeaders(wait),
    });
    return {
      kind: 'respond',
      status: 429,
      headers,
      body,
      serviceMs: 0,
      code: 'rate_limit_exceeded',
      usage: null,
    };
  }

  /** The x-ratelimit-* headers as of now. */
  headers(now: number): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.requests) put(h, 'requests', this.requests, now);
    if (this.tokens) put(h, 'tokens', this.tokens, now);
    return h;
  }
}

function put(h: Record<string, string>, kind: string, b: TokenBucket, now: number): void {
  h[`x-ratelimit-limit-${kind}`] = String(Math.round(b.size));
  h[`x-ratelimit-remaining-${kind}`] = String(b.remaining(now));
  h[`x-ratelimit-reset-${kind}`] = formatReset(b.msUntilFull(now));
}
