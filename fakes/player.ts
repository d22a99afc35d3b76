import { assertNever } from '../src/core/assert.js';
import type { Scheduler, Timer } from '../src/core/clock.js';
import type { HeaderMap, Plan, StreamPlan } from './plan.js';
import { tokenTime } from './plan.js';
import type { Renderer } from './render.js';

/** What a transport does with the events of a plan. */
export interface PlayTarget {
  /** A whole answer at once (one write where the transport allows it). */
  complete(status: number, headers: HeaderMap, body: Uint8Array): void;
  head(status: number, headers: HeaderMap): void;
  write(chunk: Uint8Array): void;
  end(): void;
  /**
   * refuse: drop the connection before anything (the transport's nearest thing to ECONNREFUSED);
   * reset: TCP reset; close: close the connection without finishing the body.
   */
  abort(how: 'refuse' | 'reset' | 'close'): void;
}

export interface PlayOptions {
  /** Called for each stream chunk with how late it was sent against the plan, in ms. */
  onLateness?: ((ms: number) => void) | undefined;
}

/** A plan being played; cancel() when the client goes away. */
export interface Playback {
  cancel(): void;
}

/**
 * Real timers fire against the event loop's cached millisecond clock, so up to 1 ms early
 * against the monotonic clock; a chunk that close to its time is sent rather than re-timed.
 */
const EARLY_MS = 1;

const NOTHING: Playback = { cancel() {} };

/**
 * Turns a plan into timed events on `scheduler`: head, chunks, end or abort. Stream chunks are
 * scheduled against absolute times from the start (ttft + i × itl), so lateness never accumulates.
 */
export function playPlan(
  plan: Plan,
  renderer: Renderer,
  scheduler: Scheduler,
  target: PlayTarget,
  opts: PlayOptions = {},
): Playback {
  switch (plan.kind) {
    case 'refuse':
      target.abort('refuse');
      return NOTHING;
    case 'hang':
      return NOTHING;
    case 'respond':
    case 'reset':
      return new OneShot(plan, scheduler, target);
    case 'stream':
      return new StreamPlayback(plan, renderer, scheduler, target, opts.onLateness);
    default:
      return assertNever(plan, 'plan');
  }
}

class OneShot implements Playback {
  private timer: Timer | null = null;
  constructor(
    private readonly plan: Extract<Plan, { kind: 'respond' | 'reset' }>,
    scheduler: Scheduler,
    private readonly target: PlayTarget,
  ) {
    const at = plan.kind === 'respond' ? plan.serviceMs : plan.afterMs;
    if (at > 0) this.timer = scheduler.setTimer(at, () => this.fire());
    else this.fire();
  }

  private fire(): void {
    this.timer = null;
    const p = this.plan;
    const t = this.target;
    if (p.kind === 'respond') {
      t.complete(p.status, p.headers, p.body);
    } else if (p.phase === 'before-headers') {
      t.abort('reset');
    } else {
      t.head(p.status, p.headers);
      t.write(p.partial);
      t.abort('reset');
    }
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

class StreamPlayback implements Playback {
  private timer: Timer | null = null;
  private sent = 0;
  private headSent = false;
  private done = false;
  private readonly startedAt: number;
  /** Tokens to send before the end takes over. */
  private readonly limit: number;
  private readonly step = (): void => this.tick();

  constructor(
    private readonly plan: StreamPlan,
    private readonly r: Renderer,
    private readonly scheduler: Scheduler,
    private readonly target: PlayTarget,
    private readonly onLateness: ((ms: number) => void) | undefined,
  ) {
    this.startedAt = scheduler.now();
    const e = plan.end;
    this.limit =
      e.kind === 'cut' || e.kind === 'stall' || e.kind === 'reset'
        ? Math.min(e.after, plan.tokens)
        : plan.tokens;
    this.timer = scheduler.setTimer(plan.ttftMs, this.step);
  }

  cancel(): void {
    this.done = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    if (this.done) return;
    const p = this.plan;
    const t = this.target;
    const now = this.scheduler.now();
    if (!this.headSent) {
      this.headSent = true;
      t.head(200, p.headers);
      t.write(this.r.roleChunk);
    }
    // Send every token that is due (more than one only when the loop fell behind).
    while (this.sent < this.limit) {
      const due = this.startedAt + tokenTime(p, this.sent);
      if (due > now + EARLY_MS) {
        // Whole milliseconds: real timers have that resolution, and equal delays share one timer list.
        this.timer = this.scheduler.setTimer(Math.round(due - now), this.step);
        return;
      }
      this.onLateness?.(Math.max(0, now - due));
      this.sent++;
      t.write(
        p.end.kind === 'malformed' && p.end.at === this.sent
          ? this.r.malformed
          : this.r.tokenChunk(this.sent - 1),
      );
    }
    this.finish();
  }

  private finish(): void {
    const p = this.plan;
    const t = this.target;
    const e = p.end;
    switch (e.kind) {
      case 'done':
      case 'no-done':
      case 'malformed':
        this.done = true;
        t.write(p.finishReason === 'length' ? this.r.finalLength : this.r.finalStop);
        if (p.includeUsage) t.write(this.r.usageChunk(p.usage));
        if (e.kind !== 'no-done') t.write(this.r.done);
        t.end();
        return;
      case 'cut':
        this.done = true;
        t.abort('close');
        return;
      case 'reset':
        this.done = true;
        t.abort('reset');
        return;
      case 'stall':
        this.done = true;
        this.timer = this.scheduler.setTimer(e.stallMs, () => {
          this.timer = null;
          t.abort('close');
        });
        return;
      default:
        assertNever(e, 'stream end');
    }
  }
}
