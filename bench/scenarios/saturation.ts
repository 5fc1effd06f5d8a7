import type { BenchProfile, TargetId } from '../bench-options.js';
import { BENCH_BODIES, type BenchTarget } from '../bench-targets.js';
import { printHeading } from '../progress-line.js';
import { runStep, type ScenarioContext, type StepResult } from '../run-step.js';

export interface SaturationStep {
  rate: number;
  sustained: boolean;
  achievedRps: number;
  errorRate: number;
  p99Ms: number | null;
  cpuCores: number;
  peakRssMb: number;
  errors: Record<string, number>;
}

export interface SaturationResult {
  target: TargetId;
  /** Highest offered rate that was sustained; 0 when none was. */
  maxSustainedRps: number;
  /** Throughput actually achieved at that rate. */
  achievedRps: number;
  /** The sustained step at that rate (CPU per request, RSS). */
  best: StepResult | null;
  /** The lowest rate that was not sustained: how the target behaves beyond capacity. */
  overload: StepResult | null;
  steps: SaturationStep[];
}

type Settings = BenchProfile['saturation'];

/**
 * Sustained = under 1% errors and p99 under the profile's limit. With an open loop a target beyond
 * capacity queues, so its latency grows with every second of the step long before errors appear: a
 * bounded p99 is what "keeps up" means. (Throughput is reported, not judged: over a short step the
 * latency tail alone makes it look lower than the offered rate.)
 */
export function isSustained(step: StepResult, settings: Settings): boolean {
  const { load } = step;
  return load.errorRate < 0.01 && load.latencyMs !== null && load.latencyMs.p99 <= settings.p99LimitMs;
}

function toStep(rate: number, step: StepResult, sustained: boolean): SaturationStep {
  return {
    rate,
    sustained,
    achievedRps: step.load.achievedRps,
    errorRate: step.load.errorRate,
    p99Ms: step.load.latencyMs?.p99 ?? null,
    cpuCores: step.cpuCores,
    peakRssMb: step.peakRssMb,
    errors: step.load.errors,
  };
}

async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The steps run so far against one target, and the best and first-failed among them. */
function createSaturationSearch(context: ScenarioContext, target: BenchTarget) {
  const settings = context.profile.saturation;
  const steps: SaturationStep[] = [];
  const bounds = {
    low: 0,
    high: Number.POSITIVE_INFINITY,
    best: null as StepResult | null,
    overload: null as StepResult | null,
  };
  return {
    bounds,
    budgetLeft: () => steps.length < settings.maxSteps,
    async attempt(rate: number): Promise<boolean> {
      const step = await runStep(context, target, {
        label: `saturation ${rate}/s`,
        upstream: 'fast',
        body: BENCH_BODIES.chat,
        rate,
        durationMs: settings.stepMs,
        warmupMs: settings.warmupMs,
        connections: 1024,
        timeoutMs: 5000,
        stream: false,
      });
      const sustained = isSustained(step, settings);
      steps.push(toStep(rate, step, sustained));
      if (sustained && rate > bounds.low) Object.assign(bounds, { low: rate, best: step });
      if (!sustained && rate < bounds.high) Object.assign(bounds, { high: rate, overload: step });
      // Let a backlog left by an overloaded step drain before the next one starts.
      await pause(sustained ? 300 : Math.min(1500, settings.stepMs));
      return sustained;
    },
    result(): SaturationResult {
      return {
        target: target.id,
        maxSustainedRps: bounds.low,
        achievedRps: bounds.best?.load.achievedRps ?? 0,
        best: bounds.best,
        overload: bounds.overload,
        steps,
      };
    },
  };
}

/**
 * Finds the highest sustained rate of one target: grow the rate geometrically until a step fails
 * (or shrink it until one passes), then bisect between the last pass and the first failure, within
 * the profile's step budget.
 */
export async function findMaxSustained(
  context: ScenarioContext,
  target: BenchTarget,
): Promise<SaturationResult> {
  const settings = context.profile.saturation;
  const search = createSaturationSearch(context, target);
  let rate = settings.startRps;
  if (await search.attempt(rate)) {
    while (search.budgetLeft() && rate < settings.maxRps) {
      const next = Math.min(settings.maxRps, Math.round(rate * settings.growth));
      if (!(await search.attempt(next))) break;
      rate = next;
    }
  } else {
    while (search.budgetLeft() && search.bounds.low === 0 && rate > 50) {
      rate = Math.round(rate / settings.growth);
      await search.attempt(rate);
    }
  }
  for (let round = 0; round < settings.bisections && search.budgetLeft(); round++) {
    const { low, high } = search.bounds;
    const middle = Math.round((low + high) / 2 / 10) * 10;
    if (low === 0 || !Number.isFinite(high) || middle <= low || middle >= high) break;
    await search.attempt(middle);
  }
  return search.result();
}

/** The highest sustained rate of every target, one after the other. */
export async function runSaturation(
  context: ScenarioContext,
): Promise<Partial<Record<TargetId, SaturationResult>>> {
  const settings = context.profile.saturation;
  printHeading(
    `saturation: max sustained req/s (< 1% errors, p99 ≤ ${settings.p99LimitMs} ms), ${settings.stepMs / 1000} s steps`,
  );
  const results: Partial<Record<TargetId, SaturationResult>> = {};
  for (const target of context.targets) {
    if (target.id === 'direct' && !settings.includeDirect) continue;
    results[target.id] = await findMaxSustained(context, target);
  }
  return results;
}
