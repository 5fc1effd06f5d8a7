import { parseArgs } from 'node:util';

export type TargetId = 'direct' | 'floor' | 'converge' | 'converge-off' | 'portkey';
/** `converge-off` is Converge with `governance: { enabled: false }`: what governance costs. */
export const TARGET_IDS: readonly TargetId[] = ['direct', 'floor', 'converge', 'converge-off', 'portkey'];

export type ScenarioId =
  | 'fixed-rate'
  | 'saturation'
  | 'streaming'
  | 'streaming-paced'
  | 'slow-upstream'
  | 'open-streams'
  | 'memory-flatness'
  | 'micro';
export const SCENARIO_IDS: readonly ScenarioId[] = [
  'fixed-rate',
  'saturation',
  'streaming',
  'streaming-paced',
  'slow-upstream',
  'open-streams',
  'memory-flatness',
  'micro',
];

/** How long and how hard each scenario runs. `quick` is a smoke test of the harness, not a measurement. */
export interface BenchProfile {
  /** Before any scenario: every target serves this load once, so no scenario measures a cold JIT. */
  warmUp: { rate: number; durationMs: number };
  fixedRate: { rates: number[]; durationMs: number; warmupMs: number };
  saturation: {
    startRps: number;
    growth: number;
    bisections: number;
    maxRps: number;
    stepMs: number;
    warmupMs: number;
    /** A step only counts as sustained when its p99 stays under this (open loop: overload shows as latency first). */
    p99LimitMs: number;
    /** Most steps per target (each one costs its duration plus a pause to drain). */
    maxSteps: number;
    /** Also find the direct upstream's ceiling (context for the others; not needed by any target). */
    includeDirect: boolean;
  };
  streaming: { rate: number; durationMs: number; warmupMs: number };
  streamingPaced: { rate: number; durationMs: number };
  slowUpstream: { rate: number; durationMs: number; warmupMs: number };
  openStreams: { count: number; rampMs: number; maxTokens: number };
  flatness: {
    requests: number;
    warmupMs: number;
    fallbackRps: number;
    settleMs: number;
    /** Fewer requests when the sustainable rate is too low to send them all within this (a runaway guard). */
    maxDurationMs: number;
  };
  micro: { targetMsPerStage: number };
}

export const PROFILES: Record<'quick' | 'full', BenchProfile> = {
  quick: {
    warmUp: { rate: 500, durationMs: 600 },
    fixedRate: { rates: [500, 1000, 2000], durationMs: 500, warmupMs: 100 },
    saturation: {
      startRps: 2000,
      growth: 2,
      bisections: 0,
      maxRps: 16_000,
      stepMs: 500,
      warmupMs: 100,
      p99LimitMs: 250,
      maxSteps: 2,
      includeDirect: false,
    },
    streaming: { rate: 100, durationMs: 500, warmupMs: 100 },
    streamingPaced: { rate: 20, durationMs: 500 },
    slowUpstream: { rate: 500, durationMs: 400, warmupMs: 0 },
    openStreams: { count: 200, rampMs: 400, maxTokens: 5 },
    flatness: { requests: 3000, warmupMs: 300, fallbackRps: 1000, settleMs: 300, maxDurationMs: 8000 },
    micro: { targetMsPerStage: 100 },
  },
  full: {
    warmUp: { rate: 500, durationMs: 5000 },
    fixedRate: { rates: [200, 500, 1000, 2000], durationMs: 12_000, warmupMs: 3000 },
    saturation: {
      startRps: 1000,
      growth: 1.5,
      bisections: 3,
      maxRps: 20_000,
      stepMs: 5000,
      warmupMs: 1000,
      p99LimitMs: 250,
      maxSteps: 12,
      includeDirect: true,
    },
    streaming: { rate: 200, durationMs: 15_000, warmupMs: 2000 },
    streamingPaced: { rate: 50, durationMs: 10_000 },
    slowUpstream: { rate: 2000, durationMs: 20_000, warmupMs: 0 },
    openStreams: { count: 2000, rampMs: 2000, maxTokens: 50 },
    flatness: {
      requests: 1_000_000,
      warmupMs: 10_000,
      fallbackRps: 1500,
      settleMs: 2000,
      maxDurationMs: 720_000,
    },
    micro: { targetMsPerStage: 1500 },
  },
};

export interface BenchOptions {
  mode: 'quick' | 'full';
  profile: BenchProfile;
  targets: TargetId[];
  scenarios: ScenarioId[];
  /** Write the results block into docs/performance.md. */
  writeDoc: boolean;
  /** Re-render the doc block and checks from an earlier results file instead of running. */
  renderFrom: string | undefined;
  /** Directory of the repository (where dist/, bench/ and docs/ live). */
  root: string;
}

const HELP = `Usage: npm run bench -- [options]

Runs Converge side by side with a direct call, the floor proxy and the Portkey gateway (docs/performance.md).

Options:
  --quick                 Every scenario briefly (< 2 min): a smoke test of the harness, not a measurement
  --only <list>           Comma-separated scenarios: ${SCENARIO_IDS.join(', ')}
  --targets <list>        Comma-separated targets (default all): ${TARGET_IDS.join(', ')}
  --flat-requests <n>     Requests in the memory-flatness scenario (default 1,000,000; quick 5,000)
  --no-doc                Do not update docs/performance.md (results JSON is still written)
  --render <file>         Re-judge and re-render an earlier bench/results/*.json into the doc, without running
  -h, --help              Show this help
`;

function parseList<T extends string>(value: string | undefined, known: readonly T[], name: string): T[] {
  if (value === undefined) return [...known];
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!known.includes(item as T))
      throw new Error(`--${name}: unknown "${item}"; known: ${known.join(', ')}`);
  }
  return items as T[];
}

/**
 * Parses the command line. Returns undefined after printing help.
 * @example parseBenchOptions(['--quick', '--only', 'fixed-rate'], '/repo').profile.fixedRate.rates // [500, 1000, 2000]
 */
export function parseBenchOptions(argv: string[], root: string): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      targets: { type: 'string' },
      'flat-requests': { type: 'string' },
      'no-doc': { type: 'boolean' },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return undefined;
  }
  const mode = values.quick === true ? 'quick' : 'full';
  const base = PROFILES[mode];
  const flatRequests = values['flat-requests'];
  const requests = flatRequests === undefined ? base.flatness.requests : Number(flatRequests);
  if (!Number.isInteger(requests) || requests <= 0)
    throw new Error('--flat-requests must be a positive integer');
  const targets = parseList(values.targets, TARGET_IDS, 'targets');
  // Added latency is relative to the direct call: it always runs.
  if (!targets.includes('direct')) targets.unshift('direct');
  return {
    mode,
    // An explicit request count is sent in full, however long it takes.
    profile: {
      ...base,
      flatness: {
        ...base.flatness,
        requests,
        maxDurationMs: flatRequests === undefined ? base.flatness.maxDurationMs : Number.POSITIVE_INFINITY,
      },
    },
    targets,
    scenarios: parseList(values.only, SCENARIO_IDS, 'only'),
    writeDoc: values['no-doc'] !== true,
    renderFrom: values.render,
    root,
  };
}
