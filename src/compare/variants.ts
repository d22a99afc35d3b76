import { UsageError } from '../core/errors.js';
import { isStrategyName, STRATEGY_NAMES } from '../gateway/strategy/registry.js';
import type { Scenario, ScenarioBalancer } from '../scenario/schema.js';
import { mergeBalancer } from './merge-balancer.js';

/** One column of a comparison: the scenario with its balancer patched. */
export interface Variant {
  name: string;
  description: string;
  scenario: Scenario;
}

/** "a,b,c" → strategy names, each checked; a UsageError names the unknown ones and the known. */
export function parseStrategies(list: string): string[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--strategies needs at least one strategy name');
  const unknown = names.filter((n) => !isStrategyName(n));
  if (unknown.length > 0)
    throw new UsageError(
      `--strategies: unknown strategy ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${STRATEGY_NAMES.join(', ')})`,
    );
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UsageError(`--strategies: "${dup}" is listed twice`);
  return names;
}

/** The patch spelled out, for a variant without a description: "retry.attempts 3, strategy p2c". */
export function describePatch(patch: unknown, prefix = ''): string {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    return `${prefix} ${typeof patch === 'string' ? patch : JSON.stringify(patch)}`;
  const parts = Object.entries(patch).map(([k, v]) =>
    describePatch(v, prefix === '' ? k : `${prefix}.${k}`),
  );
  return parts.length === 0 ? `${prefix === '' ? 'as written' : `${prefix} {}`}` : parts.join(', ');
}

/**
 * The variants to run: one per `--strategies` name when given (it replaces the scenario's
 * `compare:` section), else the section's; with neither there is nothing to compare.
 */
export function variantsFor(scenario: Scenario, strategies?: readonly string[]): Variant[] {
  const specs: { name: string; description?: string | undefined; balancer: ScenarioBalancer }[] =
    strategies !== undefined
      ? strategies.map((s) => ({ name: s, balancer: { strategy: s } }))
      : (scenario.compare?.variants ?? []);
  if (specs.length === 0)
    throw new UsageError('nothing to compare: add a compare: section or --strategies');
  return specs.map((v) => ({
    name: v.name,
    description: v.description ?? describePatch(v.balancer),
    scenario: { ...scenario, balancer: mergeBalancer(scenario.balancer, v.balancer) },
  }));
}
