import type { BenchOptions, BenchProfile, TargetId } from './bench-options.js';
import type { BenchTarget, Upstream } from './bench-targets.js';
import type { LoadJob, LoadResult, LoadRunner } from './load-runner.js';
import { watchProcess } from './process-stats.js';
import { startProgressLine } from './progress-line.js';

export const CHAT_PATH = '/v1/chat/completions';

/** What every scenario gets. */
export interface ScenarioContext {
  runner: LoadRunner;
  targets: BenchTarget[];
  profile: BenchProfile;
  mode: BenchOptions['mode'];
}

/** One load run against one target, with the target process's CPU and memory over the run. */
export interface StepResult {
  target: TargetId;
  load: LoadResult;
  /** Target CPU time (user + system) per completed request, warm-up included, ms. */
  cpuMsPerRequest: number | null;
  /** Target CPU use over the run, in cores (1 = one core busy the whole time). */
  cpuCores: number;
  peakRssMb: number;
  endRssMb: number;
  rssSeries?: [number, number][];
}

export interface StepSpec {
  label: string;
  upstream: Upstream;
  body: string;
  rate: number;
  durationMs: number;
  warmupMs: number;
  connections: number;
  timeoutMs: number;
  stream: boolean;
  keepSeries?: boolean;
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));

/** The one-line summary printed after each step. */
export function describeStep(step: StepResult): string {
  const { load } = step;
  const errors = Object.entries(load.errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const latency = load.latencyMs;
  const parts = [
    `ok ${load.ok}/${load.scheduled}`,
    `${fixed(load.achievedRps, 0)}/s`,
    `p50 ${fixed(latency?.p50, 2)}  p99 ${fixed(latency?.p99, 2)} ms`,
    load.ttfbMs ? `ttfb p50 ${fixed(load.ttfbMs.p50, 2)} ms` : '',
    step.cpuMsPerRequest === null ? '' : `cpu ${fixed(step.cpuMsPerRequest, 3)} ms/req`,
    `rss ${fixed(step.peakRssMb, 0)} MB`,
    errors === '' ? '' : `errors: ${errors}`,
  ];
  return parts.filter((part) => part !== '').join('  ');
}

/**
 * Runs one open-loop job against one target while watching the target's process. Latency is
 * measured by the load worker; CPU and RSS come from /proc.
 */
export async function runStep(
  context: ScenarioContext,
  target: BenchTarget,
  spec: StepSpec,
): Promise<StepResult> {
  const job: LoadJob = {
    origin: target.origin(spec.upstream),
    path: CHAT_PATH,
    headers: target.headers(spec.upstream),
    body: spec.body,
    rate: spec.rate,
    durationMs: spec.durationMs,
    warmupMs: spec.warmupMs,
    connections: spec.connections,
    timeoutMs: spec.timeoutMs,
    stream: spec.stream,
  };
  const line = startProgressLine(`${spec.label} ${target.id}`);
  const watch = watchProcess(target.pid(spec.upstream));
  const load = await context.runner.run(job, (progress) => line.update(progress));
  const window = watch.stop();
  const step: StepResult = {
    target: target.id,
    load,
    cpuMsPerRequest: load.completedAll > 0 ? window.cpuMs / load.completedAll : null,
    cpuCores: load.wallMs > 0 ? window.cpuMs / load.wallMs : 0,
    peakRssMb: window.peakRssMb,
    endRssMb: window.endRssMb,
    ...(spec.keepSeries === true ? { rssSeries: window.series } : {}),
  };
  line.done(describeStep(step));
  return step;
}

/** Runs the same step against every target in turn; results keyed by target. */
export async function runOnEveryTarget(
  context: ScenarioContext,
  spec: StepSpec,
): Promise<Partial<Record<TargetId, StepResult>>> {
  const results: Partial<Record<TargetId, StepResult>> = {};
  for (const target of context.targets) results[target.id] = await runStep(context, target, spec);
  return results;
}
