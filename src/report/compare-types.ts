import type { RunMode, RunResult } from '../run/result.js';

/** compare.json: one scenario run once per variant, on the same seed and load. */
export interface CompareResult {
  scenario: { name: string; file: string; seed: string; mode: RunMode; durationMs: number };
  variants: CompareVariant[];
}

export interface CompareVariant {
  name: string;
  /** What this variant changes, e.g. "strategy: p2c". */
  description: string;
  result: RunResult;
}
