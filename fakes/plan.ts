/**
 * What an upstream does with one request, decided when the request arrives and played when
 * service starts. Pure data: the HTTP server and msw play it with `playPlan`; the simulator reads
 * the numbers (serviceMs, ttftMs, itlMs, tokens) without playing anything.
 */

/** Header name → value, built once and shared between plans; never mutated. */
export type HeaderMap = Readonly<Record<string, string>>;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** A complete answer after `serviceMs`. */
export interface RespondPlan {
  kind: 'respond';
  status: number;
  headers: HeaderMap;
  /** The bytes of the body (pre-serialised; shared between plans). Empty for HEAD. */
  body: Uint8Array;
  serviceMs: number;
  /** Provider error code (`context_length_exceeded`, ...) or null for a success. */
  code: string | null;
  /** Tokens of a successful completion, else null. */
  usage: Usage | null;
}

/**
 * How a stream ends. Token i (0-based) is sent at ttftMs + i * itlMs from the start of service.
 * - done: every token, the final chunk (finish_reason), the usage chunk if asked, `data: [DONE]`.
 * - no-done: the same without `data: [DONE]` (the response still ends cleanly).
 * - cut: after `after` tokens the connection closes without the final chunk.
 * - stall: after `after` tokens nothing for `stallMs`, then the connection closes as in cut.
 * - malformed: chunk number `at` (1-based) is not JSON; otherwise as done.
 * - reset: after `after` tokens a TCP reset.
 */
export type StreamEnd =
  | { kind: 'done' }
  | { kind: 'no-done' }
  | { kind: 'cut'; after: number }
  | { kind: 'stall'; after: number; stallMs: number }
  | { kind: 'malformed'; at: number }
  | { kind: 'reset'; after: number };

export interface StreamPlan {
  kind: 'stream';
  status: 200;
  headers: HeaderMap;
  ttftMs: number;
  itlMs: number;
  /** Content tokens the answer would have (the end may stop earlier). */
  tokens: number;
  end: StreamEnd;
  /** Usage reported in the last chunk (when the request set stream_options.include_usage). */
  usage: Usage;
  includeUsage: boolean;
  /** finish_reason of the final chunk: "length" when max_tokens capped the answer. */
  finishReason: 'stop' | 'length';
  /** From the start of service to the last byte (or the cut, stall end, reset). */
  serviceMs: number;
}

/** Connection refused (the server is down). Immediate; holds no capacity. */
export interface RefusePlan {
  kind: 'refuse';
}

/** Accepted and never answered; the client's timeout ends it. Holds no capacity. */
export interface HangPlan {
  kind: 'hang';
}

/**
 * A TCP reset. before-headers: nothing is sent, the reset comes after `afterMs`. mid-body: the
 * head and `partial` (the first bytes of a body) are sent at `afterMs`, then the reset.
 */
export interface ResetPlan {
  kind: 'reset';
  phase: 'before-headers' | 'mid-body';
  afterMs: number;
  status: number;
  headers: HeaderMap;
  partial: Uint8Array;
  serviceMs: number;
}

export type Plan = RespondPlan | StreamPlan | RefusePlan | HangPlan | ResetPlan;
export type PlanKind = Plan['kind'];

/** Time the plan keeps a capacity slot (0 for the ones that take none). */
export function serviceMsOf(plan: Plan): number {
  switch (plan.kind) {
    case 'respond':
    case 'stream':
    case 'reset':
      return plan.serviceMs;
    case 'refuse':
    case 'hang':
      return 0;
  }
}

/** Time from service start to the send time of token `i` (0-based). */
export function tokenTime(plan: StreamPlan, i: number): number {
  return plan.ttftMs + i * plan.itlMs;
}

/** Tokens actually sent before the stream ends. */
export function tokensSent(plan: StreamPlan): number {
  const e = plan.end;
  switch (e.kind) {
    case 'done':
    case 'no-done':
    case 'malformed':
      return plan.tokens;
    case 'cut':
    case 'stall':
    case 'reset':
      return Math.min(e.after, plan.tokens);
  }
}

/** Stream service time for an end (the slot is held until the last event). */
export function streamServiceMs(
  ttftMs: number,
  itlMs: number,
  tokens: number,
  end: StreamEnd,
): number {
  switch (end.kind) {
    case 'done':
    case 'no-done':
    case 'malformed':
      return lastTokenAt(ttftMs, itlMs, tokens);
    case 'cut':
    case 'reset':
      return lastTokenAt(ttftMs, itlMs, Math.min(end.after, tokens));
    case 'stall':
      return lastTokenAt(ttftMs, itlMs, Math.min(end.after, tokens)) + end.stallMs;
  }
}

function lastTokenAt(ttftMs: number, itlMs: number, n: number): number {
  return ttftMs + Math.max(0, n - 1) * itlMs;
}

/** A short label for logs and counters: "200", "429", "refuse", "hang", "reset", "cut", ... */
export function outcomeOf(plan: Plan): string {
  switch (plan.kind) {
    case 'respond':
      return String(plan.status);
    case 'stream':
      return plan.end.kind === 'done' ? '200' : `200:${plan.end.kind}`;
    case 'refuse':
    case 'hang':
      return plan.kind;
    case 'reset':
      return `reset:${plan.phase}`;
  }
}
