import type { GatewayRequest } from '../gateway/request.js';

/** A client request in the simulator: the gateway's view plus what the engine needs to measure. */
export class SimRequest implements GatewayRequest {
  readonly cost = 1;
  /** Set by the transport when the first token reached the client (streaming), else -1. */
  firstTokenAt = -1;
  constructor(
    readonly id: number,
    readonly key: string | undefined,
    readonly stream: boolean,
    /** When the request was meant to be sent (open loop) or sent (closed loop). */
    readonly intendedAt: number,
    readonly promptTokens: number,
    readonly maxTokens: number,
  ) {}
}
