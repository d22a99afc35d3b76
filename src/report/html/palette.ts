import type { ErrorClass } from '../../gateway/outcome.js';
import type { StateComponent } from '../../gateway/events.js';
import { isDownState } from '../../metrics/down-state.js';

/** Fixed colours, so the same error class or upstream position looks the same in every report. */
export const OK_COLOR = '#2ca02c';

export const ERROR_COLORS: Record<ErrorClass, string> = {
  rejected: '#9467bd',
  'no-upstream': '#8c8c8c',
  timeout: '#ff7f0e',
  '5xx': '#d62728',
  '429': '#e6ab02',
  '4xx': '#e377c2',
  reset: '#8c564b',
  truncated: '#17becf',
  aborted: '#bcbd22',
};

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const SERIES = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#999999',
];

/** Upstreams and variants take colours by position. */
export function seriesColor(index: number): string {
  return SERIES[index % SERIES.length]!;
}

export const LATENCY_COLORS = { p50: '#1b9e77', p90: '#7570b3', p99: '#d95f02' } as const;

const GOOD_STATES = new Set(['closed', 'forced-closed', 'up', 'healthy', 'ready']);

export function stateColor(component: StateComponent, state: string): string {
  if (state === 'half-open') return '#e6ab02';
  if (component === 'cooldown' && state === 'cooling') return '#ff7f0e';
  if (isDownState(component, state)) return '#d62728';
  if (GOOD_STATES.has(state)) return '#2ca02c';
  return '#8c8c8c';
}

/** The state a component is in before its first recorded change. */
export const INITIAL_STATE: Record<StateComponent, string> = {
  breaker: 'closed',
  health: 'up',
  cooldown: 'ready',
};
