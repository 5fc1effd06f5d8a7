import { BENCH_BODIES, type BenchTarget } from '../bench-targets.js';
import { readMemory } from '../process-stats.js';
import { printHeading } from '../progress-line.js';
import { runStep, type ScenarioContext, type StepResult } from '../run-step.js';

export interface FlatnessResult {
  target: BenchTarget['id'];
  rate: number;
  requests: number;
  /** RSS after the warm-up, idle, MiB. */
  beforeRssMb: number;
  /** RSS after the N requests, idle, MiB. */
  afterRssMb: number;
  peakRssMb: number;
  growthMb: number;
  /** Growth within max(10 MiB, 10%) of the warmed-up RSS. */
  flat: boolean;
  run: StepResult;
}

/** Memory may grow by this much over N requests and still count as flat (heap sizing, pools). */
export function isFlat(beforeMb: number, afterMb: number): boolean {
  return afterMb - beforeMb <= Math.max(10, beforeMb * 0.1);
}

async function idleRss(pid: number, settleMs: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return readMemory(pid)?.rssMb ?? 0;
}

/**
 * RSS before and after N non-streamed requests at `rate` (the highest sustained rate found by the
 * saturation scenario, less 10% headroom, so the run stays sustainable for its whole length).
 */
export async function runMemoryFlatness(
  context: ScenarioContext,
  target: BenchTarget,
  rate: number,
): Promise<FlatnessResult> {
  const { warmupMs, settleMs, maxDurationMs } = context.profile.flatness;
  const requests = Math.min(context.profile.flatness.requests, Math.floor((rate * maxDurationMs) / 1000));
  const durationMs = Math.ceil((requests / rate) * 1000);
  printHeading(
    `memory flatness: ${target.label}, ${requests.toLocaleString('en-US')} requests at ${rate}/s (≈${Math.ceil(durationMs / 1000)} s)`,
  );
  const base = {
    upstream: 'fast' as const,
    body: BENCH_BODIES.chat,
    rate,
    warmupMs: 0,
    connections: 1024,
    timeoutMs: 10_000,
    stream: false,
  };
  await runStep(context, target, { ...base, label: 'warm-up', durationMs: warmupMs });
  const pid = target.pid('fast');
  const beforeRssMb = await idleRss(pid, settleMs);
  const run = await runStep(context, target, {
    ...base,
    label: `${requests} requests`,
    durationMs,
    keepSeries: true,
  });
  const afterRssMb = await idleRss(pid, settleMs);
  return {
    target: target.id,
    rate,
    requests,
    beforeRssMb,
    afterRssMb,
    peakRssMb: run.peakRssMb,
    growthMb: afterRssMb - beforeRssMb,
    flat: isFlat(beforeRssMb, afterRssMb),
    run,
  };
}
