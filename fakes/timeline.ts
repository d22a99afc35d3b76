import type { Scheduler, Timer } from '../src/core/clock.js';
import type { Rng } from '../src/core/rng.js';
import type { Behaviour, FaultHost } from './behaviours/behaviour.js';
import { behaviourOf } from './behaviours/from-spec.js';
import type { FaultSpec } from './config.js';

export interface ActiveFault {
  id: number;
  spec: FaultSpec;
  behaviour: Behaviour;
  /** Scheduler time it started and will end (Infinity: until cleared). */
  since: number;
  until: number;
}

interface Entry {
  id: number;
  spec: FaultSpec;
  timer: Timer | null;
  active: ActiveFault | null;
}

/**
 * Faults switched on and off on the scheduler: `at` from the origin (the timeline's creation for
 * the file's faults, now for injected ones), lasting `for`. Each fault draws from its own fork
 * of the rng, so one fault's draws never shift another's.
 */
export class Timeline {
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private activeList: ActiveFault[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private readonly host: FaultHost,
    private readonly onChange: () => void,
  ) {}

  get active(): readonly ActiveFault[] {
    return this.activeList;
  }

  /** Faults not yet started. */
  get pending(): FaultSpec[] {
    return [...this.entries.values()].filter((e) => e.active === null).map((e) => e.spec);
  }

  /** Schedules a fault `spec.at` after now (default 0: at once). Returns its id. */
  add(spec: FaultSpec): number {
    const id = this.nextId++;
    const entry: Entry = { id, spec, timer: null, active: null };
    this.entries.set(id, entry);
    const at = spec.at ?? 0;
    if (at <= 0) this.begin(entry);
    else entry.timer = this.scheduler.setTimer(at, () => this.begin(entry));
    return id;
  }

  /** Ends every fault, active or pending. Returns how many there were. */
  clear(): number {
    const n = this.entries.size;
    for (const e of [...this.entries.values()]) this.finish(e, false);
    this.onChange();
    return n;
  }

  /** Cancels every timer (the upstream is closing). */
  dispose(): void {
    for (const e of [...this.entries.values()]) this.finish(e, false);
  }

  private begin(e: Entry): void {
    const now = this.scheduler.now();
    const behaviour = behaviourOf(e.spec, this.rng.fork(`fault:${e.id}`));
    const dur = e.spec.for;
    e.active = {
      id: e.id,
      spec: e.spec,
      behaviour,
      since: now,
      until: dur === undefined ? Infinity : now + dur,
    };
    e.timer = dur === undefined ? null : this.scheduler.setTimer(dur, () => this.finish(e, true));
    this.activeList = [...this.activeList, e.active];
    behaviour.start?.(this.host, now);
    this.onChange();
  }

  private finish(e: Entry, notify: boolean): void {
    e.timer?.cancel();
    e.timer = null;
    this.entries.delete(e.id);
    if (e.active) {
      e.active.behaviour.stop?.();
      const a = e.active;
      this.activeList = this.activeList.filter((x) => x !== a);
      e.active = null;
    }
    if (notify) this.onChange();
  }
}
