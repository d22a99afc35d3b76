import type { AttemptOutcome, ErrorClass } from './outcome.js';

/** A client request as the gateway core sees it: no HTTP, no bodies. */
export interface GatewayRequest {
  readonly id: number;
  /** Hash key (a user or session) for consistent hashing; undefined when there is none. */
  readonly key: string | undefined;
  /** Streaming answers commit on their first byte and are watched for first-token and idle limits. */
  readonly stream: boolean;
  /** Weight against the client limiter (1 for a request; tokens for a token limiter). */
  readonly cost: number;
}

/** How a client request ended: exactly one per request. */
export interface RequestResult {
  readonly request: GatewayRequest;
  readonly ok: boolean;
  /** null when ok. */
  readonly errorClass: ErrorClass | null;
  /** The last attempt's outcome; null when no attempt was made (rejected, no upstream). */
  readonly outcome: AttemptOutcome | null;
  /** The upstream of the last attempt, or -1. */
  readonly upstream: number;
  readonly attempts: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** For `rejected`: how long until the limiter would admit it. 0 otherwise. */
  readonly retryAfterMs: number;
}
