import autocannon from 'autocannon';
import type { Scheduler, Timer } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { classOfNetworkError, classOfStatus } from './classify.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { freshStats } from './load-sender.js';
import { RequestMaker, type PlannedRequest } from './request-mix.js';
import { SseReader, usageOf } from './sse-reader.js';
import type { ClientEnd, ClosedLoopSpec, GeneratorStats, LoadSpec } from './types.js';

interface Context {
  lbsim?: PlannedRequest;
}

/** Per autocannon connection: the request it has in flight. */
interface ClientState {
  client: autocannon.Client & { requestIterator?: { context?: Context } };
  sentAt: number;
  firstBodyAt: number | null;
  busy: boolean;
  parsed: Partial<ClientEnd> | null;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Closed-loop load through autocannon: N connections, each sending its next request when the
 * previous answer is complete. autocannon has no think time (ClosedLoop covers that) and
 * reports a whole body at once: a stream's time to first token is taken at its first body
 * chunk and its inter-token gaps are not measured. Requests in flight when autocannon stops
 * are ended as aborted.
 */
export class AutocannonLoop implements LoadLoop {
  private readonly c: ClosedLoopSpec;
  private readonly maker: RequestMaker;
  private readonly states: ClientState[] = [];
  private instance: autocannon.Instance | null = null;
  private startTimer: Timer | null = null;
  private finish: ((s: GeneratorStats) => void) | null = null;
  private stopped = false;
  private t0 = 0;
  private readonly stats: GeneratorStats;

  constructor(
    private readonly spec: LoadSpec,
    private readonly scheduler: Scheduler,
    private readonly emit: EventSink,
  ) {
    if (spec.loop.kind !== 'closed') throw new RangeError('AutocannonLoop needs a closed loop');
    this.c = spec.loop;
    this.maker = new RequestMaker(spec.mix, new Rng(spec.seed).fork('load'), spec.headers);
    this.stats = freshStats('autocannon', 0, this.c.clients);
  }

  run(t0: number): Promise<GeneratorStats> {
    this.t0 = t0;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.startTimer = this.scheduler.setTimer(this.t0 - this.scheduler.now(), () => this.start());
    });
  }

  stop(_graceMs: number): void {
    this.stopped = true;
    this.startTimer?.cancel();
    if (this.instance !== null) this.instance.stop();
    else this.done();
  }

  private start(): void {
    this.startTimer = null;
    if (this.stopped) return;
    const url = new URL(this.spec.url);
    const path = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
    this.instance = autocannon(
      {
        url: url.origin,
        connections: this.c.clients,
        duration: this.spec.durationMs / 1000,
        timeout: Math.max(1, Math.ceil(this.spec.timeoutMs / 1000)),
        requests: [
          {
            method: 'POST',
            path,
            setupRequest: (req, context) => {
              const p = this.maker.make();
              (context as Context).lbsim = p;
              return { ...req, method: 'POST', path, headers: p.headers, body: p.body };
            },
            onResponse: (status, body, context, headers) =>
              this.parse(status, body, context as Context, headers),
          },
        ],
        setupClient: (client) => this.track(client),
      },
      () => this.done(),
    );
  }

  private track(client: autocannon.Client): void {
    const s: ClientState = { client, sentAt: 0, firstBodyAt: null, busy: false, parsed: null };
    this.states.push(s);
    // The typings list only some of the client's events.
    const ee = client as unknown as NodeJS.EventEmitter;
    ee.on('request', () => {
      s.sentAt = this.scheduler.now();
      s.firstBodyAt = null;
      s.busy = true;
      s.parsed = null;
      this.stats.sent++;
    });
    ee.on('body', () => {
      s.firstBodyAt ??= this.scheduler.now();
    });
    ee.on('response', () => this.end(s, null));
    ee.on('connError', (err: unknown) => this.end(s, classOfNetworkError(err, false)));
    ee.on('timeout', () => this.end(s, 'timeout'));
  }

  /** The body of a complete answer, just before the client's `response` event. */
  private parse(
    status: number,
    body: string,
    context: Context,
    headers: Record<string, string | string[] | undefined> | undefined,
  ): void {
    const p = context.lbsim;
    const s = this.states.find((x) => x.client.requestIterator?.context === context);
    if (p === undefined || s === undefined) return;
    const h = headers ?? {};
    const attempts = Number(first(h['x-lbsim-attempts']));
    const out: Partial<ClientEnd> = {
      upstream: first(h['x-lbsim-upstream']) || undefined,
      attempts: attempts > 0 ? attempts : 1,
      errorClass: classOfStatus(status, first(h['x-lbsim-error'])),
    };
    if (out.errorClass === null) {
      if (p.stream) {
        const sse = new SseReader();
        sse.push(body, 0);
        if (!sse.complete) out.errorClass = 'truncated';
        out.promptTokens = sse.promptTokens;
        out.completionTokens = sse.completionTokens;
      } else {
        const u = usageOf(body);
        out.promptTokens = u.prompt;
        out.completionTokens = u.completion;
      }
    }
    s.parsed = out;
  }

  private end(s: ClientState, errorClass: ClientEnd['errorClass']): void {
    if (!s.busy) return;
    s.busy = false;
    const p = s.client.requestIterator?.context?.lbsim;
    if (p === undefined) return;
    const now = this.scheduler.now();
    const parsed = s.parsed ?? {};
    const e: ClientEnd = {
      k: 'e',
      id: p.id,
      t: now - this.t0,
      latencyMs: now - s.sentAt,
      stream: p.stream,
      errorClass: errorClass ?? parsed.errorClass ?? null,
      upstream: parsed.upstream,
      attempts: parsed.attempts ?? 1,
      promptTokens: parsed.promptTokens,
      completionTokens: parsed.completionTokens,
    };
    if (p.stream && s.firstBodyAt !== null && e.errorClass === null)
      e.ttftMs = s.firstBodyAt - s.sentAt;
    // Starts are reported with their end: autocannon names the request only once it is built.
    this.emit({ k: 's', id: p.id, t: s.sentAt - this.t0, stream: p.stream });
    this.emit(e);
  }

  private done(): void {
    if (this.finish === null) return;
    const now = this.scheduler.now();
    for (const s of this.states) {
      const p = s.client.requestIterator?.context?.lbsim;
      if (!s.busy || p === undefined) continue;
      s.busy = false;
      this.stats.cutOff++;
      this.emit({ k: 's', id: p.id, t: s.sentAt - this.t0, stream: p.stream });
      this.emit({
        k: 'e',
        id: p.id,
        t: now - this.t0,
        latencyMs: now - s.sentAt,
        stream: p.stream,
        errorClass: 'aborted',
        upstream: undefined,
        attempts: 1,
      });
    }
    const f = this.finish;
    this.finish = null;
    f({ ...this.stats });
  }
}
