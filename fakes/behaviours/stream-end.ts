import { checkInteger, checkNonNegative } from '../../src/core/assert.js';
import type { StreamEnd } from '../plan.js';
import type { Behaviour, DecideContext, Draft } from './behaviour.js';
import { DONE } from './behaviour.js';

/** Makes a stream end badly (cut, stall, malformed chunk, no [DONE]); the first active one wins. */
export class StreamFault implements Behaviour {
  readonly stage = 'shape';
  readonly name: string;
  constructor(private readonly end: StreamEnd) {
    this.name = end.kind;
  }
  decide(ctx: DecideContext, draft: Draft): null {
    if (ctx.req.stream && draft.end === DONE) draft.end = this.end;
    return null;
  }
}

export function cutAfter(after: number): StreamFault {
  checkInteger('cut.after', after, 0);
  return new StreamFault(Object.freeze({ kind: 'cut', after }));
}

export function stallAfter(after: number, stallMs: number): StreamFault {
  checkInteger('stall.after', after, 0);
  checkNonNegative('stall.close', stallMs);
  return new StreamFault(Object.freeze({ kind: 'stall', after, stallMs }));
}

export function malformedAt(at: number): StreamFault {
  checkInteger('malformed.at', at, 1);
  return new StreamFault(Object.freeze({ kind: 'malformed', at }));
}

export function noDone(): StreamFault {
  return new StreamFault(Object.freeze({ kind: 'no-done' }));
}
