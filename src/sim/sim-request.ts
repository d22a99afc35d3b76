import type { Dispatched } from '../gateway/dispatcher.js';
import type { GatewayRequest } from '../gateway/request.js';

/** A client request in the simulator: the gateway's view plus what the engine needs to measure. */
export class SimRequest implements GatewayRequest {
  readonly cost = 1;
  /** Set by the transport when the first token reached the client (streaming), else -1. */
  firstTokenAt = -1;
  /** The key the fakes count attempts by (fail-first faults), made once per request. */
  private fakeKeyText: string | null = null;
  /** Links of the engine's in-flight list (no per-request map entry). */
  prev: SimRequest | null = null;
  next: SimRequest | null = null;
  inFlight = false;
  handle: Dispatched | null = null;

  constructor(
    readonly id: number,
    readonly key: string | undefined,
    readonly stream: boolean,
    /** When the request was meant to be sent (open loop) or sent (closed loop). */
    readonly intendedAt: number,
    readonly promptTokens: number,
    readonly maxTokens: number,
  ) {}

  get fakeKey(): string {
    return (this.fakeKeyText ??= String(this.id));
  }
}

/** The requests in flight, as an intrusive doubly-linked list: O(1) and allocation-free. */
export class InFlight {
  private head: SimRequest | null = null;
  size = 0;

  add(r: SimRequest): void {
    r.inFlight = true;
    r.prev = null;
    r.next = this.head;
    if (this.head !== null) this.head.prev = r;
    this.head = r;
    this.size++;
  }

  remove(r: SimRequest): void {
    if (!r.inFlight) return;
    r.inFlight = false;
    if (r.prev !== null) r.prev.next = r.next;
    else this.head = r.next;
    if (r.next !== null) r.next.prev = r.prev;
    r.prev = r.next = null;
    r.handle = null;
    this.size--;
  }

  /** Cancels every request still in flight (each then ends as aborted and leaves the list). */
  cancelAll(): void {
    while (this.head !== null) {
      const r = this.head;
      const h = r.handle;
      if (h !== null) h.cancel();
      if (r.inFlight) this.remove(r);
    }
  }
}
