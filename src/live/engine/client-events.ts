import type { GatewayRequest, RequestResult } from '../../gateway/request.js';
import type { UpstreamTable } from '../../gateway/upstream-table.js';
import type { GatewayListener } from '../../gateway/events.js';
import type { Recorder } from '../../metrics/recorder.js';
import type { ClientEvent } from '../load/types.js';

/**
 * Feeds what the load generator's clients saw into the recorder: request starts and ends with
 * the client's latency, time to first token and gaps, tokens served per upstream. `also` gets
 * the same starts and ends (the invariant monitor, when no gateway of ours reports them).
 */
export class ClientEvents {
  private readonly open = new Map<number, GatewayRequest>();
  /** Run time of the last event seen. */
  last = 0;

  constructor(
    private readonly recorder: Recorder,
    private readonly table: UpstreamTable,
    private readonly also: GatewayListener | null = null,
  ) {}

  readonly take = (events: readonly ClientEvent[]): void => {
    for (const e of events) {
      if (e.t > this.last) this.last = e.t;
      if (e.k === 's') {
        const req: GatewayRequest = { id: e.id, key: undefined, stream: e.stream, cost: 1 };
        this.open.set(e.id, req);
        this.recorder.onRequestStart(req, e.t);
        this.also?.onRequestStart?.(req, e.t);
        continue;
      }
      const req = this.open.get(e.id) ?? { id: e.id, key: undefined, stream: e.stream, cost: 1 };
      this.open.delete(e.id);
      const upstream = e.upstream === undefined ? -1 : this.table.indexOf(e.upstream);
      const result: RequestResult = {
        request: req,
        ok: e.errorClass === null,
        errorClass: e.errorClass,
        outcome: null,
        upstream,
        attempts: e.attempts,
        startedAt: e.t - e.latencyMs,
        endedAt: e.t,
        retryAfterMs: 0,
      };
      this.recorder.recordRequest(result, e.latencyMs, e.t);
      this.also?.onRequestEnd?.(result, e.t);
      if (e.ttftMs !== undefined) this.recorder.streamTiming(req, e.ttftMs, e.gapsMs);
      if (upstream >= 0 && (e.promptTokens !== undefined || e.completionTokens !== undefined))
        this.recorder.usage(req, upstream, e.promptTokens ?? 0, e.completionTokens ?? 0);
    }
  };
}
