import type { Scheduler, Timer } from '../core/clock.js';
import type { AttemptCall, Transport } from '../gateway/dispatcher.js';
import type { AttemptOutcome } from '../gateway/outcome.js';
import { tokensSent, type Plan, type StreamPlan } from '../../fakes/plan.js';
import type { FakeRequest } from '../../fakes/request.js';
import type { FakeUpstream, PlanSink } from '../../fakes/upstream.js';
import type { SimRequest } from './sim-request.js';

/** What the transport tells the engine about answers (streaming timing, tokens). */
export interface SimTransportEvents {
  firstToken(req: SimRequest, now: number, interTokenMs: number): void;
  served(req: SimRequest, upstream: number, promptTokens: number, completionTokens: number): void;
}

const OK: AttemptOutcome = Object.freeze({ kind: 'ok', status: 200 });
const CONNECT_ERROR: AttemptOutcome = Object.freeze({ kind: 'connect-error' });
const RESET: AttemptOutcome = Object.freeze({ kind: 'reset' });
const TRUNCATED: AttemptOutcome = Object.freeze({ kind: 'truncated' });

/**
 * Carries attempts to the fakes' behaviour model in virtual time: the model decides a plan, and
 * this reads its numbers (service time, first token, token gaps, how it ends) instead of playing
 * bytes. The same plans, played over sockets, are what the live fakes send.
 */
export class SimTransport implements Transport {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly fakes: readonly FakeUpstream[],
    private readonly events: SimTransportEvents,
    /** Longest silence the gateway tolerates in a stream (its idle limit), to pace progress. */
    private readonly idleMs: number,
  ) {
    this.open = fakes.map(() => null);
    // A server that goes down takes its open connections with it: whatever it was serving or
    // queueing ends in a reset, as the live fake's closed port does to real sockets.
    fakes.forEach((fake, i) =>
      fake.onChange(() => {
        if (fake.refusing) this.cutAll(i);
      }),
    );
  }

  /** Per upstream, the attempts it holds (queued or in service), as an intrusive list. */
  private readonly open: (SimAttempt | null)[];

  /** @internal */
  link(a: SimAttempt, u: number): void {
    a.next = this.open[u]!;
    if (a.next !== null) a.next.prev = a;
    this.open[u] = a;
    a.linked = true;
  }

  /** @internal */
  unlink(a: SimAttempt, u: number): void {
    if (!a.linked) return;
    a.linked = false;
    if (a.prev !== null) a.prev.next = a.next;
    else this.open[u] = a.next;
    if (a.next !== null) a.next.prev = a.prev;
    a.prev = a.next = null;
  }

  private cutAll(u: number): void {
    const cut: SimAttempt[] = [];
    for (let a: SimAttempt | null = this.open[u]!; a !== null; a = a.next) cut.push(a);
    for (const a of cut) a.cut();
  }

  send(call: AttemptCall): void {
    const req = call.request as SimRequest;
    const fake = this.fakes[call.upstream]!;
    const attempt = new SimAttempt(this, call, req);
    call.abort = attempt.abortFn;
    this.link(attempt, call.upstream);
    const fakeReq: FakeRequest = {
      route: 'chat',
      method: 'POST',
      target: '/v1/chat/completions',
      authorization: undefined,
      badBody: false,
      stream: req.stream,
      includeUsage: req.stream,
      promptTokens: req.promptTokens,
      maxTokens: req.maxTokens,
      key: req.fakeKey,
    };
    fake.handle(fakeReq, attempt);
  }

  /** @internal */
  get now(): number {
    return this.scheduler.now();
  }

  /** @internal */
  at(ms: number, fn: () => void): Timer {
    return this.scheduler.setTimer(ms, fn);
  }

  /** @internal */
  get idle(): number {
    return this.idleMs;
  }

  /** @internal */
  get out(): SimTransportEvents {
    return this.events;
  }
}

/** One attempt: receives the plan when service starts and turns it into the call's events. */
class SimAttempt implements PlanSink {
  private timer: Timer | null = null;
  private aborted = false;
  private plan: StreamPlan | null = null;
  /** Index of the next token whose arrival the attempt has not reported. */
  private token = 0;
  readonly abortFn = (): void => {
    this.aborted = true;
    this.timer?.cancel();
    this.timer = null;
    this.t.unlink(this, this.call.upstream);
  };
  prev: SimAttempt | null = null;
  next: SimAttempt | null = null;
  linked = false;

  /** The upstream went down while holding this attempt: the connection resets. */
  cut(): void {
    if (this.aborted) return;
    this.abortFn();
    this.call.end(RESET);
  }

  private end(outcome: AttemptOutcome): void {
    this.t.unlink(this, this.call.upstream);
    this.call.end(outcome);
  }

  constructor(
    private readonly t: SimTransport,
    private readonly call: AttemptCall,
    private readonly req: SimRequest,
  ) {}

  start(plan: Plan, _req: FakeRequest): void {
    if (this.aborted) return;
    switch (plan.kind) {
      case 'refuse':
        this.end(CONNECT_ERROR);
        return;
      case 'hang':
        return; // only the gateway's own limits end it
      case 'reset':
        this.timer = this.t.at(plan.afterMs, () => this.end(RESET));
        return;
      case 'respond': {
        const outcome = respondOutcome(plan.status, plan.code, plan.headers);
        const usage = plan.usage;
        this.timer = this.t.at(plan.serviceMs, () => {
          this.timer = null;
          if (usage !== null)
            this.t.out.served(
              this.req,
              this.call.upstream,
              usage.promptTokens,
              usage.completionTokens,
            );
          this.end(outcome);
        });
        return;
      }
      case 'stream':
        this.plan = plan;
        this.startedAt = this.t.now;
        this.timer = this.t.at(plan.ttftMs, this.onFirstToken);
        return;
    }
  }

  private startedAt = 0;

  private readonly onFirstToken = (): void => {
    this.timer = null;
    const plan = this.plan!;
    const sent = tokensSent(plan);
    if (sent === 0) {
      this.finish();
      return;
    }
    this.token = 1;
    this.call.progress();
    this.call.commit();
    if (this.req.firstTokenAt < 0) {
      this.req.firstTokenAt = this.t.now;
      this.t.out.firstToken(this.req, this.t.now, this.plan!.itlMs);
    }
    this.schedule();
  };

  /**
   * Reports token arrivals only as often as the gateway's idle limit needs (every few tokens
   * rather than each one), then the end of the stream.
   */
  private schedule(): void {
    const plan = this.plan!;
    const sent = tokensSent(plan);
    const step =
      this.t.idle === Infinity || plan.itlMs <= 0
        ? Infinity
        : Math.max(1, Math.floor((this.t.idle * 0.5) / plan.itlMs));
    const next = this.token - 1 + step;
    if (next < sent - 1) {
      this.token = next + 1;
      const due = this.startedAt + plan.ttftMs + next * plan.itlMs;
      this.timer = this.t.at(due - this.t.now, () => {
        this.timer = null;
        this.call.progress();
        this.schedule();
      });
      return;
    }
    const end = this.startedAt + plan.serviceMs;
    const lastToken = this.startedAt + plan.ttftMs + (sent - 1) * plan.itlMs;
    if (sent > this.token) {
      // The last token arrives, then (for a stall) silence until the end.
      this.timer = this.t.at(lastToken - this.t.now, () => {
        this.token = sent;
        this.call.progress();
        this.timer = this.t.at(end - this.t.now, () => this.finish());
      });
      return;
    }
    this.timer = this.t.at(end - this.t.now, () => this.finish());
  }

  private finish(): void {
    this.timer = null;
    const plan = this.plan!;
    switch (plan.end.kind) {
      case 'done':
      case 'no-done':
      case 'malformed':
        this.t.out.served(
          this.req,
          this.call.upstream,
          plan.usage.promptTokens,
          plan.usage.completionTokens,
        );
        this.end(OK);
        return;
      case 'cut':
      case 'stall':
        this.end(TRUNCATED);
        return;
      case 'reset':
        this.end(RESET);
        return;
    }
  }
}

function respondOutcome(
  status: number,
  code: string | null,
  headers: Readonly<Record<string, string>>,
): AttemptOutcome {
  if (status < 400) return OK;
  const ms = headers['retry-after-ms'];
  const s = headers['retry-after'];
  const retryAfterMs =
    ms !== undefined ? Number(ms) : s !== undefined ? Number(s) * 1000 : undefined;
  return {
    kind: 'http-error',
    status,
    retryAfterMs:
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
    code: code ?? undefined,
  };
}
