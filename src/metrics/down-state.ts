import type { StateComponent } from '../gateway/events.js';
import { assertNever } from '../core/assert.js';

/**
 * Whether a state reported through onStateChange means the gateway has taken the upstream out:
 * breaker `open`/`forced-open`, health `down`/`unhealthy`/`ejected`, cooldown `cooling`.
 * Detection time is measured to the first such state.
 */
export function isDownState(component: StateComponent, state: string): boolean {
  switch (component) {
    case 'breaker':
      return state === 'open' || state === 'forced-open';
    case 'health':
      return state === 'down' || state === 'unhealthy' || state === 'ejected';
    case 'cooldown':
      return state === 'cooling';
    default:
      return assertNever(component, 'state component');
  }
}
