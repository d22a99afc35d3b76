import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import { createBreaker, type CircuitBreaker } from '../../../src/gateway/breaker/breaker.js';
import {
  isLegalTransition,
  type BreakerState,
  type BreakerStateKind,
  type CallResult,
} from '../../../src/gateway/breaker/state.js';

interface Params {
  threshold: number;
  successThreshold: number;
  halfOpenMaxCalls: number;
  openMs: number;
  multiplier: number;
  maxOpenMs: number;
}

/** A deliberately naive restatement of the documented rules. */
interface Model {
  p: Params;
  now: number;
  kind: BreakerStateKind;
  epoch: number;
  run: number;
  inflight: number;
  successes: number;
  trips: number;
  until: number;
  permits: number[];
  transitions: string[];
}

interface Real {
  s: VirtualScheduler;
  b: CircuitBreaker;
  seen: string[];
  signalled: boolean[];
  permits: number[];
}

const label = (from: BreakerStateKind, to: BreakerStateKind, now: number): string =>
  `${from}->${to}@${now}`;

function moveTo(m: Model, to: BreakerStateKind): void {
  m.transitions.push(label(m.kind, to, m.now));
  m.kind = to;
  m.epoch++;
  m.inflight = 0;
  m.successes = 0;
  m.run = 0;
}

function tripModel(m: Model, trips: number): void {
  const d = Math.min(m.p.openMs * m.p.multiplier ** (trips - 1), m.p.maxOpenMs);
  moveTo(m, 'open');
  m.trips = trips;
  m.until = m.now + d;
}

function modelAvailable(m: Model): boolean {
  switch (m.kind) {
    case 'closed':
    case 'forced-closed':
      return true;
    case 'half-open':
      return m.inflight < m.p.halfOpenMaxCalls;
    default:
      return false;
  }
}

function checkAgreement(m: Model, r: Real): void {
  const st: BreakerState = r.b.state;
  expect(st.kind).toBe(m.kind);
  expect(r.seen).toEqual(m.transitions);
  expect(r.b.isAvailable()).toBe(modelAvailable(m));
  // Every change of isAvailable() was signalled, and every signal was a change.
  const last = r.signalled.length === 0 ? true : r.signalled[r.signalled.length - 1];
  expect(last).toBe(r.b.isAvailable());
  for (let i = 1; i < r.signalled.length; i++) expect(r.signalled[i]).not.toBe(r.signalled[i - 1]);
  if (r.signalled.length > 0) expect(r.signalled[0]).toBe(false);
  if (st.kind === 'open') {
    expect(st.until).toBe(m.until);
    expect(st.trips).toBe(m.trips);
    expect(r.s.now()).toBeLessThan(st.until);
  }
  if (st.kind === 'half-open') {
    expect(st.inflight).toBeLessThanOrEqual(m.p.halfOpenMaxCalls);
    expect(st.inflight).toBe(m.inflight);
    expect(st.successes).toBe(m.successes);
    expect(st.trips).toBe(m.trips);
  }
}

class Acquire implements fc.Command<Model, Real> {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const stateBefore = r.b.state;
    const permit = r.b.tryAcquire();
    const admit = modelAvailable(m);
    expect(permit >= 0).toBe(admit);
    if (stateBefore.kind === 'open') expect(r.s.now()).toBeLessThan(stateBefore.until);
    if (admit) {
      expect(permit).toBe(m.epoch);
      if (m.kind === 'half-open') m.inflight++;
      m.permits.push(m.epoch);
      r.permits.push(permit);
    }
    checkAgreement(m, r);
  }
  toString = (): string => 'acquire';
}

class Release implements fc.Command<Model, Real> {
  constructor(
    readonly pick: number,
    readonly result: CallResult,
    readonly duration: number,
  ) {}
  check = (m: Readonly<Model>): boolean => m.permits.length > 0;
  run(m: Model, r: Real): void {
    const i = this.pick % m.permits.length;
    const permit = m.permits.splice(i, 1)[0]!;
    const realPermit = r.permits.splice(i, 1)[0]!;
    expect(realPermit).toBe(permit);
    r.b.release(realPermit, this.result, this.duration);
    if (permit === m.epoch) {
      if (m.kind === 'closed' && this.result !== 'ignore') {
        m.run = this.result === 'failure' ? m.run + 1 : 0;
        if (m.run >= m.p.threshold) tripModel(m, 1);
      } else if (m.kind === 'half-open') {
        if (this.result === 'failure') tripModel(m, m.trips + 1);
        else {
          m.inflight--;
          if (this.result === 'success') m.successes++;
          if (m.successes >= m.p.successThreshold) {
            moveTo(m, 'closed');
            m.trips = 0;
          }
        }
      }
    }
    checkAgreement(m, r);
  }
  toString = (): string => `release(${this.pick}, ${this.result}, ${this.duration})`;
}

class Advance implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const end = m.now + this.ms;
    if (m.kind === 'open' && m.until <= end) {
      m.now = m.until;
      const trips = m.trips;
      moveTo(m, 'half-open');
      m.trips = trips;
    }
    m.now = end;
    r.s.advance(this.ms);
    checkAgreement(m, r);
  }
  toString = (): string => `advance(${this.ms})`;
}

class Lever implements fc.Command<Model, Real> {
  constructor(readonly lever: 'forceOpen' | 'forceClose' | 'reset') {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    r.b[this.lever]();
    if (this.lever === 'reset') {
      if (m.kind === 'closed') {
        m.epoch++;
        m.run = 0;
      } else moveTo(m, 'closed');
      m.trips = 0;
    } else {
      const to = this.lever === 'forceOpen' ? 'forced-open' : 'forced-closed';
      if (m.kind !== to) moveTo(m, to);
      m.trips = 0;
    }
    checkAgreement(m, r);
  }
  toString = (): string => this.lever;
}

const commands = [
  fc.constant(new Acquire()),
  fc.constant(new Acquire()),
  fc
    .tuple(
      fc.nat(20),
      fc.constantFrom<CallResult>('success', 'failure', 'failure', 'ignore'),
      fc.nat(100),
    )
    .map(([pick, result, d]) => new Release(pick, result, d)),
  fc
    .oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 400 }))
    .map((ms) => new Advance(ms)),
  fc.constantFrom('forceOpen', 'forceClose', 'reset').map((l) => new Lever(l)),
];

const paramsArb = fc
  .record({
    threshold: fc.integer({ min: 1, max: 4 }),
    successThreshold: fc.integer({ min: 1, max: 3 }),
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    openMs: fc.integer({ min: 10, max: 100 }),
    multiplier: fc.constantFrom(1, 2, 3),
  })
  .map((p): Params => ({ ...p, maxOpenMs: p.openMs * 4 }));

describe('CircuitBreaker against a model', () => {
  it('makes only legal transitions, admits as the model does, and signals every change', () => {
    fc.assert(
      fc.property(paramsArb, fc.commands(commands, { size: '+1' }), (p, cmds) => {
        const s = new VirtualScheduler();
        const seen: string[] = [];
        const signalled: boolean[] = [];
        const b = createBreaker(
          {
            trip: { kind: 'consecutive-failures', threshold: p.threshold },
            successThreshold: p.successThreshold,
            halfOpenMaxCalls: p.halfOpenMaxCalls,
            openMs: p.openMs,
            openBackoffMultiplier: p.multiplier,
            maxOpenMs: p.maxOpenMs,
          },
          s,
          (from, to, now) => {
            expect(isLegalTransition(from.kind, to.kind)).toBe(true);
            expect(now).toBe(s.now());
            seen.push(label(from.kind, to.kind, now));
          },
          (available) => signalled.push(available),
        );
        const model: Model = {
          p,
          now: 0,
          kind: 'closed',
          epoch: 0,
          run: 0,
          inflight: 0,
          successes: 0,
          trips: 0,
          until: 0,
          permits: [],
          transitions: [],
        };
        fc.modelRun(() => ({ model, real: { s, b, seen, signalled, permits: [] } }), cmds);
        b.dispose();
        expect(s.nextDue()).toBe(Infinity);
      }),
      { numRuns: 200 },
    );
  });
});
