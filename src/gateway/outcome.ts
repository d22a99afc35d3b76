/**
 * What one attempt at an upstream came to. Expected failures are data, not exceptions.
 * `timeout` is set by the dispatcher when the per-try (or first-token) limit fires.
 */
export type AttemptOutcome =
  | { kind: 'ok'; status: number }
  | {
      kind: 'http-error';
      status: number;
      /** From Retry-After / retry-after-ms, already converted to milliseconds from now. */
      retryAfterMs?: number | undefined;
      /** Provider error code, e.g. "context_length_exceeded". */
      code?: string | undefined;
    }
  | { kind: 'timeout'; phase: TimeoutPhase }
  | { kind: 'connect-error' }
  | { kind: 'reset' }
  /** The stream broke after bytes reached the client: never a success. */
  | { kind: 'truncated' }
  /** The client went away; not the upstream's fault. */
  | { kind: 'aborted' };

export type AttemptOutcomeKind = AttemptOutcome['kind'];

/** Error classes a client sees; their names are part of result.json. */
export type ErrorClass =
  | 'rejected'
  | 'no-upstream'
  | 'timeout'
  | '5xx'
  | '429'
  | '4xx'
  | 'reset'
  | 'truncated'
  | 'aborted';

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'rejected',
  'no-upstream',
  'timeout',
  '5xx',
  '429',
  '4xx',
  'reset',
  'truncated',
  'aborted',
];

export const OK_200: AttemptOutcome = Object.freeze({ kind: 'ok', status: 200 });

/** Whether the outcome counts against the upstream's health (passive checks, breaker). */
export function isUpstreamFailure(o: AttemptOutcome): boolean {
  switch (o.kind) {
    case 'ok':
    case 'aborted':
      return false;
    case 'http-error':
      // 4xx other than 408/429 are the client's problem, not the upstream's.
      return o.status >= 500 || o.status === 408 || o.status === 429;
    case 'timeout':
    case 'connect-error':
    case 'reset':
    case 'truncated':
      return true;
  }
}

export function errorClassOf(o: AttemptOutcome): ErrorClass | null {
  switch (o.kind) {
    case 'ok':
      return null;
    case 'http-error':
      if (o.status === 429) return '429';
      if (o.status === 408) return 'timeout';
      return o.status >= 500 ? '5xx' : '4xx';
    case 'timeout':
      return 'timeout';
    case 'connect-error':
    case 'reset':
      return 'reset';
    case 'truncated':
      return 'truncated';
    case 'aborted':
      return 'aborted';
  }
}

/**
 * Which limit ended an attempt: `attempt` the per-try limit on a whole (non-streaming) answer,
 * `first-byte` the per-try limit on a stream's first chunk, `first-token` the time-to-first-token
 * limit, `idle` a silent stream, `deadline` the request's overall deadline.
 */
export type TimeoutPhase = 'attempt' | 'first-byte' | 'first-token' | 'idle' | 'deadline';
