import { http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import type { Scheduler } from '../src/core/clock.js';
import { realScheduler } from '../src/core/real-scheduler.js';
import type { Rng } from '../src/core/rng.js';
import type { FaultSpec, UpstreamConfig } from './config.js';
import type { HeaderMap, Plan } from './plan.js';
import type { Playback, PlayOptions, PlayTarget } from './player.js';
import { playPlan } from './player.js';
import { requestFromHttp } from './request.js';
import type { Decision, PlanSink } from './upstream.js';
import { FakeUpstream } from './upstream.js';

/**
 * msw handlers that answer for `origin` (e.g. "http://primary.fake") from a FakeUpstream: the same
 * model and plan player as the HTTP server, in-process. msw sees the built-in fetch and node:http,
 * not the undici package. Refusals, resets and hangs become network errors (fetch rejects);
 * a cut or reset mid-body errors the body stream.
 */
export function fakeHandlers(
  upstream: FakeUpstream,
  origin: string,
  opts: PlayOptions = {},
): HttpHandler[] {
  const base = origin.replace(/\/+$/, '');
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const method = request.method;
      const body = method === 'GET' || method === 'HEAD' ? '' : await request.text();
      const h = request.headers;
      const key = h.get('idempotency-key') ?? h.get('x-lbsim-key') ?? undefined;
      const fake = requestFromHttp(
        method,
        url.pathname + url.search,
        h.get('authorization') ?? undefined,
        key,
        body,
      );
      return new Promise<Response>((resolve) => {
        upstream.handle(
          fake,
          new MswExchange(resolve, request.signal, method === 'HEAD', upstream, opts),
        );
      });
    }),
  ];
}

export interface MswFake {
  upstream: FakeUpstream;
  handlers: HttpHandler[];
}

/** A FakeUpstream and its handlers, from the same config as the server's. */
export function mswFake(
  config: UpstreamConfig,
  origin: string,
  rng: Rng,
  opts: {
    scheduler?: Scheduler;
    faults?: readonly FaultSpec[];
    onDecision?: (d: Decision) => void;
  } = {},
): MswFake {
  const upstream = new FakeUpstream(config, opts.scheduler ?? realScheduler, rng, {
    faults: opts.faults ?? [],
    trackAttempts: true,
    ...(opts.onDecision ? { onDecision: opts.onDecision } : {}),
  });
  return { upstream, handlers: fakeHandlers(upstream, origin) };
}

class MswExchange implements PlanSink, PlayTarget {
  private playback: Playback | null = null;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private settled = false;

  constructor(
    private readonly resolve: (r: Response) => void,
    private readonly signal: AbortSignal,
    private readonly isHead: boolean,
    private readonly upstream: FakeUpstream,
    private readonly opts: PlayOptions,
  ) {
    signal.addEventListener('abort', () => {
      this.playback?.cancel();
      if (!this.settled) this.settle(HttpResponse.error());
      else this.controller?.error(new DOMException('aborted', 'AbortError'));
    });
  }

  start(plan: Plan): void {
    if (this.signal.aborted) return;
    this.playback = playPlan(
      plan,
      this.upstream.renderer,
      this.upstream.scheduler,
      this,
      this.opts,
    );
  }

  complete(status: number, headers: HeaderMap, body: Uint8Array): void {
    this.settle(new HttpResponse(this.isHead ? null : new Uint8Array(body), { status, headers }));
  }

  head(status: number, headers: HeaderMap): void {
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.controller = c;
      },
    });
    this.settle(new HttpResponse(stream, { status, headers }));
  }

  write(chunk: Uint8Array): void {
    this.controller?.enqueue(new Uint8Array(chunk));
  }

  end(): void {
    this.controller?.close();
  }

  abort(how: 'refuse' | 'reset' | 'close'): void {
    if (!this.settled) {
      this.settle(HttpResponse.error());
      return;
    }
    const err = Object.assign(new TypeError(how === 'close' ? 'terminated' : 'read ECONNRESET'), {
      code: how === 'close' ? 'UND_ERR_SOCKET' : 'ECONNRESET',
    });
    this.controller?.error(err);
  }

  private settle(r: Response): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(r);
  }
}
