import type { Rng } from '../../core/rng.js';
import type { RequestMix, TokenSpec } from './types.js';

/** One client request: its attributes and the bytes to send. */
export interface PlannedRequest {
  id: number;
  key: string;
  stream: boolean;
  promptTokens: number;
  maxTokens: number;
  headers: Record<string, string>;
  body: string;
}

function sampleTokens(spec: TokenSpec, fallback: number, rng: Rng): number {
  if (spec === undefined) return fallback;
  if (typeof spec === 'number') return spec;
  return spec.min + rng.int(spec.max - spec.min + 1);
}

/**
 * Draws requests in the simulator's order (key, stream, prompt, max tokens from the same Rng),
 * so a seed gives the same request sequence live as simulated.
 */
export class RequestMaker {
  private nextId = 0;

  constructor(
    private readonly mix: RequestMix,
    private readonly rng: Rng,
    private readonly extraHeaders: Record<string, string>,
  ) {}

  make(): PlannedRequest {
    const m = this.mix;
    const id = ++this.nextId;
    const key = `user-${this.rng.int(m.keys)}`;
    const stream = m.stream > 0 && this.rng.next() < m.stream;
    const promptTokens = sampleTokens(m.promptTokens, 100, this.rng);
    const maxTokens = sampleTokens(m.maxTokens, 0, this.rng);
    return {
      id,
      key,
      stream,
      promptTokens,
      maxTokens,
      headers: requestHeaders(id, key, m.userKeyHeader, this.extraHeaders),
      body: chatBody(promptTokens, maxTokens, stream),
    };
  }
}

/**
 * idempotency-key names the request (the fakes count fail-first attempts by it); x-lbsim-key is
 * the proxy's hash key: the user's when the strategy hashes on users, else the request's.
 */
export function requestHeaders(
  id: number,
  key: string,
  userKeyHeader: boolean,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    ...extra,
    'content-type': 'application/json',
    'x-lbsim-key': userKeyHeader ? key : `req-${id}`,
    'idempotency-key': `req-${id}`,
  };
}

/** An OpenAI chat body whose prompt the fakes count as about `promptTokens` tokens. */
export function chatBody(promptTokens: number, maxTokens: number, stream: boolean): string {
  // The fakes estimate 4 characters a token plus 3 tokens a message.
  const chars = Math.max(1, (promptTokens - 3) * 4);
  const body: Record<string, unknown> = {
    model: 'lbsim-load',
    messages: [{ role: 'user', content: 'x'.repeat(chars) }],
  };
  if (maxTokens > 0) body.max_tokens = maxTokens;
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return JSON.stringify(body);
}
