import type { ErrorClass } from '../../gateway/outcome.js';

/** Token counts as a scenario gives them: a fixed number or a range drawn uniformly. */
export type TokenSpec = number | { min: number; max: number } | undefined;

/** What a request looks like: the mix is drawn per request from the load's Rng. */
export interface RequestMix {
  /** Share of streaming requests, 0..1. */
  stream: number;
  promptTokens: TokenSpec;
  maxTokens: TokenSpec;
  /** Distinct request keys (users). */
  keys: number;
  /** Send the user key as x-lbsim-key (the proxy's hash key) instead of a per-request key. */
  userKeyHeader: boolean;
}

export type ArrivalKind = 'poisson' | 'constant';

/** An open-loop schedule: the simulator's arrival process on the real clock. */
export interface OpenLoopSpec {
  kind: 'open';
  arrival: ArrivalKind;
  rate: number | undefined;
  stages:
    | readonly { duration: number; rate?: number | undefined; target?: number | undefined }[]
    | undefined;
  /** A send later than this behind its intended time counts as late (ms). */
  lateToleranceMs: number;
}

/** N clients, each waiting for its answer (and `thinkMs`) before the next request. */
export interface ClosedLoopSpec {
  kind: 'closed';
  clients: number;
  thinkMs: number;
}

/** Everything the load worker needs; plain data so it crosses to a worker thread. */
export interface LoadSpec {
  /** The OpenAI base URL of the system under test, e.g. http://127.0.0.1:8080/v1 */
  url: string;
  /** Extra headers on every request (e.g. Authorization for an external gateway). */
  headers: Record<string, string>;
  seed: string;
  durationMs: number;
  /** After the duration, requests in flight get this long to finish before they are aborted. */
  graceMs: number;
  loop: OpenLoopSpec | ClosedLoopSpec;
  mix: RequestMix;
  /** Requests in flight at most; an open-loop send beyond it is dropped (counted). */
  maxInflight: number;
  /** A client request without a complete answer after this is a timeout (ms). */
  timeoutMs: number;
  /** Which closed-loop implementation: autocannon (no think time) or undici clients. */
  closedImpl?: 'autocannon' | 'undici' | undefined;
}

/** One request seen by the client, times in ms from t0. */
export interface ClientStart {
  k: 's';
  id: number;
  /** Intended send time (open loop) or send time (closed loop). */
  t: number;
  stream: boolean;
}

export interface ClientEnd {
  k: 'e';
  id: number;
  /** When the answer was complete (or failed). */
  t: number;
  /** From the intended send time (open loop) or the send time (closed loop). */
  latencyMs: number;
  stream: boolean;
  errorClass: ErrorClass | null;
  /** x-lbsim-upstream of the answer, when the gateway says. */
  upstream: string | undefined;
  attempts: number;
  ttftMs?: number | undefined;
  gapsMs?: number[] | undefined;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
}

export type ClientEvent = ClientStart | ClientEnd;

/** How well the generator kept to its schedule: when it is the limit, the results say so. */
export interface GeneratorStats {
  driver: 'open-loop' | 'autocannon' | 'closed-loop';
  sent: number;
  /** Sends later than the tolerance behind their intended time. */
  lateSends: number;
  /** Sends not made because maxInflight requests were already in flight. */
  droppedSends: number;
  /** Worst lag of a send behind its intended time (ms). */
  maxLagMs: number;
  lateToleranceMs: number;
  maxInflight: number;
  /** Requests still in flight when the load was stopped (ended as aborted). */
  cutOff: number;
}

/** Worker → main messages. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'events'; events: ClientEvent[] }
  | { type: 'done'; stats: GeneratorStats }
  | { type: 'error'; message: string };

/** Main → worker messages. */
export type ControlMessage =
  /** Load time 0 falls at `t0` (epoch ms, realClock). */
  { type: 'start'; t0: number } | { type: 'stop'; graceMs: number };
