import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import { playPlan } from '../../fakes/player.js';
import type { PlayTarget } from '../../fakes/player.js';
import type { HeaderMap, Plan } from '../../fakes/plan.js';
import { chatRequest } from '../../fakes/request.js';
import { virtualUpstream } from './helpers.js';

class Recorder implements PlayTarget {
  readonly events: string[] = [];
  readonly text: string[] = [];
  constructor(private readonly clock: VirtualScheduler) {}
  complete(status: number, headers: HeaderMap, body: Uint8Array): void {
    this.head(status, headers);
    this.write(body);
    this.end();
  }
  head(status: number, _headers: HeaderMap): void {
    this.events.push(`${this.clock.now()} head ${status}`);
  }
  write(chunk: Uint8Array): void {
    const s = Buffer.from(chunk).toString();
    this.text.push(s);
    const kind = !s.startsWith('data:')
      ? 'body'
      : s.includes('[DONE]')
        ? 'DONE'
        : s.includes('finish_reason":"')
          ? 'final'
          : s.includes('"usage"')
            ? 'usage'
            : 'chunk';
    this.events.push(`${this.clock.now()} ${kind}`);
  }
  end(): void {
    this.events.push(`${this.clock.now()} end`);
  }
  abort(how: string): void {
    this.events.push(`${this.clock.now()} abort ${how}`);
  }
}

function play(
  config: Record<string, unknown>,
  faults: never[] | Record<string, unknown>[],
  req = chatRequest({ stream: true, includeUsage: true }),
) {
  const { up, clock, sink } = virtualUpstream(config, faults as never);
  up.handle(req, sink);
  const plan: Plan = sink.plans[0]!;
  const rec = new Recorder(clock);
  const lateness: number[] = [];
  const pb = playPlan(plan, up.renderer, clock, rec, { onLateness: (ms) => lateness.push(ms) });
  clock.runAll();
  return { rec, plan, lateness, pb };
}

const STREAM = { stream: { ttft: '100ms', itl: '10ms' }, outputTokens: 3 };

describe('playPlan', () => {
  it('plays a stream at ttft + i*itl, then the final chunk, usage and [DONE]', () => {
    const { rec, lateness } = play(STREAM, []);
    expect(rec.events).toEqual([
      '100 head 200',
      '100 chunk', // role
      '100 chunk',
      '110 chunk',
      '120 chunk',
      '120 final',
      '120 usage',
      '120 DONE',
      '120 end',
    ]);
    expect(lateness).toEqual([0, 0, 0]);
    for (const t of rec.text.filter((t) => !t.includes('[DONE]')))
      expect(() => JSON.parse(t.slice(6))).not.toThrow();
  });

  it('cut closes the connection after N tokens with no final chunk', () => {
    const { rec } = play(STREAM, [{ kind: 'cut', after: 2 }]);
    expect(rec.events.slice(-2)).toEqual(['110 chunk', '110 abort close']);
    expect(rec.events.some((e) => e.includes('final'))).toBe(false);
  });

  it('stall goes silent after N tokens, then closes', () => {
    const { rec } = play(STREAM, [{ kind: 'stall', after: 1, close: 5000 }]);
    expect(rec.events.slice(-2)).toEqual(['100 chunk', '5100 abort close']);
  });

  it('malformed replaces one chunk with non-JSON; no-done ends without [DONE]', () => {
    const m = play(STREAM, [{ kind: 'malformed', chunk: 2 }]);
    expect(() => JSON.parse(m.rec.text[2]!.slice(6))).toThrow();
    expect(m.rec.events.at(-2)).toBe('120 DONE');
    const n = play(STREAM, [{ kind: 'no-done' }]);
    expect(n.rec.events.slice(-2)).toEqual(['120 usage', '120 end']);
  });

  it('a completion arrives whole after its service time; resets before headers or mid-body', () => {
    const req = chatRequest();
    expect(play({ latency: '70ms' }, [], req).rec.events).toEqual([
      '70 head 200',
      '70 body',
      '70 end',
    ]);
    expect(play({}, [{ kind: 'reset', after: 25 }], req).rec.events).toEqual(['25 abort reset']);
    expect(
      play({ latency: '70ms' }, [{ kind: 'reset', phase: 'mid-body' }], req).rec.events,
    ).toEqual(['70 head 200', '70 body', '70 abort reset']);
    expect(play(STREAM, [{ kind: 'reset', phase: 'mid-body' }]).rec.events.slice(-2)).toEqual([
      '100 chunk',
      '100 abort reset',
    ]);
  });

  it('refuse aborts at once; hang does nothing; cancel stops a stream', () => {
    expect(play({}, [{ kind: 'down' }]).rec.events).toEqual(['0 abort refuse']);
    expect(play({}, [{ kind: 'hang' }]).rec.events).toEqual([]);
    const { up, clock, sink } = virtualUpstream(STREAM);
    up.handle(chatRequest({ stream: true }), sink);
    const rec = new Recorder(clock);
    const pb = playPlan(sink.plans[0]!, up.renderer, clock, rec);
    clock.advance(105);
    pb.cancel();
    clock.runAll();
    expect(rec.events).toEqual(['100 head 200', '100 chunk', '100 chunk']);
  });

  it('reports lateness when the loop fell behind, and catches up without drift', () => {
    const { up, sink } = virtualUpstream(STREAM);
    up.handle(chatRequest({ stream: true }), sink);
    const clock = new VirtualScheduler();
    // Timers that only fire on a 15 ms grid, as a busy event loop would fire them late.
    const coarse = {
      now: () => clock.now(),
      setTimer: (ms: number, fn: () => void) =>
        clock.setTimer(Math.ceil((clock.now() + ms) / 15) * 15 - clock.now(), fn),
    };
    const rec = new Recorder(clock);
    const late: number[] = [];
    playPlan(sink.plans[0]!, up.renderer, coarse, rec, { onLateness: (ms) => late.push(ms) });
    clock.runAll();
    expect(late).toEqual([5, 10, 0]);
    expect(rec.events.filter((e) => e.endsWith('chunk'))).toEqual([
      '105 chunk',
      '105 chunk',
      '120 chunk',
      '120 chunk',
    ]);
  });
});
