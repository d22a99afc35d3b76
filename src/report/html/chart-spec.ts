/**
 * What the page script needs to draw the charts: plain data, built on the server, so the script
 * in the page only maps it onto chart.js options. Times are in seconds from the run's start.
 */
export type Unit = 'ms' | 'per-sec' | 'percent' | 'ratio';

/** Fault markers (detection, failover, recovery): labelled lines, bare lines, or windows only. */
export type Markers = 'labelled' | 'lines' | 'none';

export interface SeriesDataset {
  label: string;
  color: string;
  data: (number | null)[];
  /** Drawn dashed and never stacked (a reference line over stacked areas). */
  reference?: boolean;
}

export interface SeriesChart {
  kind: 'series';
  id: string;
  unit: Unit;
  /** Stacked areas (traffic share, outcomes) instead of lines. */
  stacked: boolean;
  /** Upper bound of the y axis, when there is a natural one (100 for a share in percent). */
  yMax?: number;
  x: number[];
  datasets: SeriesDataset[];
  markers: Markers;
  /** Small multiples: less chrome. */
  small?: boolean;
}

export interface StateSegment {
  row: string;
  from: number;
  to: number;
  state: string;
  color: string;
}

export interface StatesChart {
  kind: 'states';
  id: string;
  rows: string[];
  segments: StateSegment[];
  markers: Markers;
}

export interface SummaryChart {
  kind: 'summary';
  id: string;
  unit: Unit;
  labels: string[];
  datasets: { label: string; color: string; data: number[] }[];
}

export type ChartSpec = SeriesChart | StatesChart | SummaryChart;

export interface FaultMark {
  from: number;
  to: number;
  label: string;
  marks: { at: number; label: string; kind: 'detected' | 'failover' | 'recovered' }[];
}

export interface ClientData {
  /** End of the shared time axis (s). */
  xMax: number;
  faults: FaultMark[];
  charts: ChartSpec[];
}
