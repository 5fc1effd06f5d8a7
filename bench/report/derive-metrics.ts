import type { TargetId } from '../bench-options.js';
import type { Summary } from '../load-runner.js';
import type { StepResult } from '../run-step.js';
import type { PerTarget } from '../scenarios/rate-scenarios.js';

export type Percentile = 'p50' | 'p90' | 'p99';
export const PERCENTILES: readonly Percentile[] = ['p50', 'p90', 'p99'];

/**
 * Added latency = the target's percentile minus the direct call's same percentile (not the
 * percentile of per-request differences, which an open loop cannot pair up).
 */
export function addedMs(
  results: PerTarget,
  target: TargetId,
  percentile: Percentile,
  field: 'latencyMs' | 'ttfbMs' = 'latencyMs',
): number | undefined {
  const value = results[target]?.load[field]?.[percentile];
  const direct = results.direct?.load[field]?.[percentile];
  if (value === undefined || direct === undefined) return undefined;
  return value - direct;
}

/**
 * a / b, undefined when either is missing or negative, or b is zero: a ratio to ~0, or of a negative
 * "added" latency (noise: the gateway measured faster than direct), means nothing.
 */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || a < 0 || b <= 0) return undefined;
  return a / b;
}

/** The most common SSE event count of a stream step (what a client typically received). */
export function typicalChunkCount(step: StepResult | undefined): number | undefined {
  const counts = step?.load.chunkCounts;
  if (counts === null || counts === undefined) return undefined;
  let best: [string, number] | undefined;
  for (const entry of Object.entries(counts)) if (best === undefined || entry[1] > best[1]) best = entry;
  return best === undefined ? undefined : Number(best[0]);
}

/** True when every successful stream of the step carried exactly `expected` events. */
export function chunksPreserved(step: StepResult | undefined, expected: number | undefined): boolean {
  const counts = step?.load.chunkCounts;
  if (counts === null || counts === undefined || expected === undefined) return false;
  const kinds = Object.keys(counts);
  return kinds.length === 1 && Number(kinds[0]) === expected;
}

export function successRate(step: StepResult | undefined): number | undefined {
  if (step === undefined || step.load.scheduled === 0) return undefined;
  return step.load.ok / step.load.scheduled;
}

/** Formats a number of ms for tables: 2 decimals under 10 ms, 1 under 100, none above. */
export function formatMs(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${value >= 0 ? '' : '−'}${Math.abs(value).toFixed(digits)}`;
}

export function formatSigned(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= 0 ? `+${formatMs(value)}` : formatMs(value);
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}

export function summaryCell(summary: Summary | null | undefined, percentile: Percentile | 'max'): string {
  return formatMs(summary?.[percentile]);
}

export function errorCell(step: StepResult | undefined): string {
  if (step === undefined) return '–';
  const entries = Object.entries(step.load.errors);
  if (entries.length === 0) return '0';
  return entries.map(([kind, count]) => `${count} ${kind}`).join(', ');
}
