import type { BenchProfile } from '../bench-options.js';
import type { CheckStatus, ScenarioResults, TargetCheck } from '../bench-results.js';
import type { StepResult } from '../run-step.js';
import {
  addedMs,
  chunksPreserved,
  formatMs,
  formatRatio,
  formatSigned,
  ratio,
  successRate,
  typicalChunkCount,
} from './derive-metrics.js';

/** DESIGN §9 names these rates for the added-latency targets. */
const DESIGN_RATES = [200, 500, 1000];

function judge(condition: boolean | undefined): CheckStatus {
  return condition === undefined ? 'n/a' : condition ? 'pass' : 'fail';
}

function check(id: string, target: string, condition: boolean | undefined, detail: string): TargetCheck {
  return { id, target, status: judge(condition), detail };
}

function latencyChecks(scenarios: ScenarioResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const rate of DESIGN_RATES) {
    const results = scenarios.fixedRate?.find((entry) => entry.rate === rate)?.results ?? {};
    for (const [percentile, limit] of [
      ['p50', 1.25],
      ['p99', 2],
    ] as const) {
      const converge = addedMs(results, 'converge', percentile);
      const floor = addedMs(results, 'floor', percentile);
      const value = ratio(converge, floor);
      checks.push(
        check(
          `added-${percentile}-${rate}`,
          `added latency ${percentile} at ${rate} req/s ≤ ${limit}× the floor's`,
          value === undefined ? undefined : value <= limit,
          `Converge ${formatSigned(converge)} ms vs floor ${formatSigned(floor)} ms (${formatRatio(value)})`,
        ),
      );
    }
  }
  return checks;
}

function throughputChecks(scenarios: ScenarioResults): TargetCheck[] {
  const saturation = scenarios.saturation;
  const converge = saturation?.converge?.maxSustainedRps;
  const floor = saturation?.floor?.maxSustainedRps;
  const portkey = saturation?.portkey?.maxSustainedRps;
  const fixed1000 = scenarios.fixedRate?.find((entry) => entry.rate === 1000)?.results;
  const cpuConverge = fixed1000?.converge?.cpuMsPerRequest ?? undefined;
  const cpuFloor = fixed1000?.floor?.cpuMsPerRequest ?? undefined;
  const vsFloor = ratio(converge, floor);
  const vsPortkey = ratio(converge, portkey);
  const cpu = ratio(cpuConverge, cpuFloor);
  return [
    check(
      'throughput-floor',
      "saturated throughput ≥ 0.6× the floor's",
      vsFloor === undefined ? undefined : vsFloor >= 0.6,
      `Converge ${converge ?? '–'} req/s vs floor ${floor ?? '–'} req/s (${formatRatio(vsFloor)})`,
    ),
    check(
      'throughput-portkey',
      "saturated throughput ≥ 5× Portkey's",
      vsPortkey === undefined ? undefined : vsPortkey >= 5,
      `Converge ${converge ?? '–'} req/s vs Portkey ${portkey ?? '–'} req/s (${formatRatio(vsPortkey)})`,
    ),
    check(
      'cpu-per-request',
      "CPU per request ≤ 2× the floor's (1,000 req/s)",
      cpu === undefined ? undefined : cpu <= 2,
      `Converge ${formatMs(cpuConverge)} ms vs floor ${formatMs(cpuFloor)} ms CPU per request (${formatRatio(cpu)})`,
    ),
  ];
}

function streamingChecks(scenarios: ScenarioResults): TargetCheck[] {
  const streaming = scenarios.streaming ?? {};
  const converge = addedMs(streaming, 'converge', 'p50');
  const floor = addedMs(streaming, 'floor', 'p50');
  const value = ratio(converge, floor);
  const expected = typicalChunkCount(streaming.direct);
  const paced = scenarios.streamingPaced ?? {};
  const direct = paced.direct?.load;
  const streamTime =
    direct?.latencyMs && direct.ttfbMs ? direct.latencyMs.p50 - direct.ttfbMs.p50 : undefined;
  const lateness = addedMs(paced, 'converge', 'p50', 'ttfbMs');
  const forwarded =
    lateness === undefined || streamTime === undefined ? undefined : lateness < streamTime / 2;
  return [
    check(
      'stream-ttlb',
      "streaming: added time to last byte (p50) ≤ 2× the floor's",
      value === undefined ? undefined : value <= 2,
      `Converge ${formatSigned(converge)} ms vs floor ${formatSigned(floor)} ms (${formatRatio(value)})`,
    ),
    check(
      'stream-chunks',
      'streaming: chunk count preserved',
      streaming.converge === undefined ? undefined : chunksPreserved(streaming.converge, expected),
      `direct ${expected ?? '–'} events per stream; Converge ${typicalChunkCount(streaming.converge) ?? '–'}`,
    ),
    check(
      'stream-no-buffering',
      'streaming: chunks forwarded as they come (paced upstream, first byte not held back)',
      forwarded,
      `first byte ${formatSigned(lateness)} ms after direct's; the upstream takes ${formatMs(streamTime)} ms from first to last byte`,
    ),
  ];
}

function peakOf(steps: (StepResult | undefined)[]): number | undefined {
  const values = steps.filter((step): step is StepResult => step !== undefined).map((step) => step.peakRssMb);
  return values.length === 0 ? undefined : Math.max(...values);
}

function memoryChecks(scenarios: ScenarioResults, profile: BenchProfile): TargetCheck[] {
  const underLoad = peakOf([
    ...(scenarios.fixedRate ?? []).map((entry) => entry.results.converge),
    scenarios.saturation?.converge?.best ?? undefined,
  ]);
  const open = scenarios.openStreams?.converge;
  const count = profile.openStreams.count;
  const reached = open === undefined ? undefined : open.load.maxInFlight >= count && open.load.ok === count;
  const flat = scenarios.memoryFlatness;
  return [
    check(
      'rss-load',
      'RSS ≤ 150 MB under the fixed-rate and saturation loads',
      underLoad === undefined ? undefined : underLoad <= 150,
      `Converge peak ${formatMs(underLoad)} MB`,
    ),
    check(
      'rss-open-streams',
      `RSS ≤ 200 MB with ${count.toLocaleString('en-US')} open streams (all served)`,
      open === undefined ? undefined : reached === true && open.peakRssMb <= 200,
      open === undefined
        ? '–'
        : `Converge peak ${formatMs(open.peakRssMb)} MB; ${open.load.maxInFlight} open at once, ${open.load.ok}/${count} streams completed`,
    ),
    check(
      'rss-flat',
      `RSS flat over ${profile.flatness.requests.toLocaleString('en-US')} requests`,
      flat === undefined
        ? undefined
        : flat.flat && flat.requests >= profile.flatness.requests && flat.run.load.errorRate < 0.01,
      flat === undefined
        ? '–'
        : `${formatMs(flat.beforeRssMb)} MB → ${formatMs(flat.afterRssMb)} MB (${formatSigned(flat.growthMb)} MB) after ${flat.requests.toLocaleString('en-US')} requests at ${flat.rate} req/s, ${(100 * flat.run.load.errorRate).toFixed(1)}% errors`,
    ),
  ];
}

function overloadChecks(scenarios: ScenarioResults, profile: BenchProfile): TargetCheck[] {
  const slow = scenarios.slowUpstream?.converge;
  const success = successRate(slow);
  const overload = scenarios.saturation?.converge?.overload ?? undefined;
  const shed = overload?.load.errors['http-503'] ?? 0;
  const rate = profile.slowUpstream.rate;
  return [
    check(
      'slow-upstream',
      `1.5 s upstream at ${rate.toLocaleString('en-US')} req/s: 100% success`,
      success === undefined ? undefined : success === 1,
      slow === undefined
        ? '–'
        : `${(100 * (success ?? 0)).toFixed(2)}% (${slow.load.ok}/${slow.load.scheduled}); errors ${JSON.stringify(slow.load.errors)}`,
    ),
    check(
      'shed-503',
      'beyond capacity: sheds with 503 instead of queueing',
      overload === undefined ? undefined : shed > 0,
      overload === undefined
        ? '–'
        : `at ${overload.load.offeredRps} req/s: ${shed} × 503, p99 ${formatMs(overload.load.latencyMs?.p99)} ms, errors ${JSON.stringify(overload.load.errors)}`,
    ),
  ];
}

/**
 * Judges the run against the targets of DESIGN §9. A target whose scenario did not run (or whose
 * reference did not) is `n/a`, never a silent pass.
 */
export function checkDesignTargets(scenarios: ScenarioResults, profile: BenchProfile): TargetCheck[] {
  return [
    ...latencyChecks(scenarios),
    ...throughputChecks(scenarios),
    ...streamingChecks(scenarios),
    ...memoryChecks(scenarios, profile),
    ...overloadChecks(scenarios, profile),
  ];
}

/** The pass/fail lines printed at the end of a run. */
export function formatChecks(checks: TargetCheck[]): string {
  const mark: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', 'n/a': 'n/a ' };
  return checks.map((item) => `  ${mark[item.status]}  ${item.target} — ${item.detail}`).join('\n');
}
