import type { TargetId } from '../bench-options.js';
import { BENCH_BODIES } from '../bench-targets.js';
import { printHeading } from '../progress-line.js';
import { runOnEveryTarget, type ScenarioContext, type StepResult } from '../run-step.js';

export type PerTarget = Partial<Record<TargetId, StepResult>>;

export interface FixedRateResult {
  rate: number;
  results: PerTarget;
}

/** Every target serves a short non-streamed load first: JIT, connection pools and caches warm. */
export async function warmUpTargets(context: ScenarioContext): Promise<void> {
  const { rate, durationMs } = context.profile.warmUp;
  printHeading(`warm-up: ${rate} req/s for ${durationMs / 1000} s per target (not recorded)`);
  await runOnEveryTarget(context, {
    label: 'warm-up',
    upstream: 'fast',
    body: BENCH_BODIES.chat,
    rate,
    durationMs,
    warmupMs: 0,
    connections: 1024,
    timeoutMs: 10_000,
    stream: false,
  });
}

/** Non-streamed chat completions (small prompt) at each fixed rate, every target in turn per rate. */
export async function runFixedRate(context: ScenarioContext): Promise<FixedRateResult[]> {
  const { rates, durationMs, warmupMs } = context.profile.fixedRate;
  printHeading(
    `fixed rate: non-streamed chat, ${rates.join(' / ')} req/s, ${durationMs / 1000} s each (open loop)`,
  );
  const results: FixedRateResult[] = [];
  for (const rate of rates) {
    const spec = {
      label: `${rate}/s`,
      upstream: 'fast' as const,
      body: BENCH_BODIES.chat,
      rate,
      durationMs,
      warmupMs,
      connections: 1024,
      timeoutMs: 10_000,
      stream: false,
    };
    results.push({ rate, results: await runOnEveryTarget(context, spec) });
  }
  return results;
}

/** 100-token streams from the zero-latency upstream: added time to first and last byte, chunk count. */
export async function runStreaming(context: ScenarioContext): Promise<PerTarget> {
  const { rate, durationMs, warmupMs } = context.profile.streaming;
  printHeading(`streaming: 100-token streams at ${rate}/s for ${durationMs / 1000} s`);
  return runOnEveryTarget(context, {
    label: `stream ${rate}/s`,
    upstream: 'fast',
    body: BENCH_BODIES.stream,
    rate,
    durationMs,
    warmupMs,
    connections: 1024,
    timeoutMs: 10_000,
    stream: true,
  });
}

/**
 * 100-token streams the upstream paces over ~0.55 s. A gateway that forwards chunks as they come shows
 * about the direct time to first byte; one that buffers shows about the time to last byte.
 */
export async function runStreamingPaced(context: ScenarioContext): Promise<PerTarget> {
  const { rate, durationMs } = context.profile.streamingPaced;
  printHeading(
    `paced streaming: 100 tokens over ~0.55 s, ${rate}/s for ${durationMs / 1000} s (buffering check)`,
  );
  return runOnEveryTarget(context, {
    label: `paced ${rate}/s`,
    upstream: 'slow',
    body: BENCH_BODIES.paced,
    rate,
    durationMs,
    warmupMs: 0,
    connections: 1024,
    timeoutMs: 10_000,
    stream: true,
  });
}

/** The 1.5 s upstream at a high rate: rate × 1.5 requests in flight through each gateway. */
export async function runSlowUpstream(context: ScenarioContext): Promise<PerTarget> {
  const { rate, durationMs, warmupMs } = context.profile.slowUpstream;
  const inFlight = Math.round(rate * 1.5);
  printHeading(
    `slow upstream: 1.5 s latency at ${rate}/s (≈${inFlight} in flight) for ${durationMs / 1000} s`,
  );
  return runOnEveryTarget(context, {
    label: `slow ${rate}/s`,
    upstream: 'slow',
    body: BENCH_BODIES.slow,
    rate,
    durationMs,
    warmupMs,
    connections: Math.ceil(inFlight * 1.6) + 256,
    timeoutMs: 10_000,
    stream: false,
  });
}

/** Opens `count` streams that each stay open for maxTokens / 5 s, to measure memory with all of them open. */
export async function runOpenStreams(context: ScenarioContext): Promise<PerTarget> {
  const { count, rampMs, maxTokens } = context.profile.openStreams;
  const holdMs = (maxTokens / 5) * 1000;
  printHeading(
    `open streams: ${count} streams opened over ${rampMs / 1000} s, each open ~${holdMs / 1000} s`,
  );
  return runOnEveryTarget(context, {
    label: `${count} open streams`,
    upstream: 'slow',
    body: BENCH_BODIES.hold(maxTokens),
    rate: (count * 1000) / rampMs,
    durationMs: rampMs,
    warmupMs: 0,
    connections: count + 100,
    timeoutMs: holdMs + 20_000,
    stream: true,
  });
}
