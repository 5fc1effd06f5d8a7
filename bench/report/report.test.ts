import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, parseBenchOptions } from '../bench-options.js';
import type { BenchResults, ScenarioResults } from '../bench-results.js';
import type { LoadResult, Summary } from '../load-runner.js';
import { downsample } from '../process-stats.js';
import type { StepResult } from '../run-step.js';
import { isFlat } from '../scenarios/memory-flatness.js';
import { isSustained } from '../scenarios/saturation.js';
import { checkDesignTargets } from './check-targets.js';
import { renderLatencyChart } from './render-latency-chart.js';
import { renderResultsMarkdown } from './render-markdown.js';
import { isPartialRun, replaceBetweenMarkers, writeResults } from './write-results.js';

function summary(p50: number, p99: number): Summary {
  return { count: 100, min: p50 / 2, mean: p50, p50, p90: (p50 + p99) / 2, p99, p999: p99, max: p99 * 2 };
}

function step(
  target: StepResult['target'],
  p50: number,
  p99: number,
  extra: Partial<LoadResult> = {},
): StepResult {
  const load: LoadResult = {
    offeredRps: 1000,
    scheduled: 100,
    ok: 100,
    errors: {},
    errorRate: 0,
    achievedRps: 1000,
    latencyMs: summary(p50, p99),
    ttfbMs: null,
    chunkCounts: null,
    dispatchLagMs: null,
    lateSends: 0,
    maxInFlight: 4,
    completedAll: 100,
    wallMs: 1000,
    ...extra,
  };
  return { target, load, cpuMsPerRequest: 0.5, cpuCores: 0.5, peakRssMb: 100, endRssMb: 100 };
}

const fixedRate: ScenarioResults['fixedRate'] = [
  {
    rate: 500,
    results: {
      direct: step('direct', 1, 2),
      floor: step('floor', 2, 4), // added +1 / +2
      converge: step('converge', 2.2, 9), // added +1.2 (1.2×) / +7 (3.5×)
      portkey: step('portkey', 4, 40),
    },
  },
];

describe('DESIGN §9 checks', () => {
  it('compares added latency with the floor and names both numbers', () => {
    const checks = checkDesignTargets({ fixedRate }, PROFILES.full);
    const p50 = checks.find((check) => check.id === 'added-p50-500');
    const p99 = checks.find((check) => check.id === 'added-p99-500');
    expect(p50?.status).toBe('pass');
    expect(p50?.detail).toContain('1.20×');
    expect(p99?.status).toBe('fail');
    expect(p99?.detail).toContain('3.50×');
  });

  it('marks targets whose scenario did not run as n/a, never as passed', () => {
    const checks = checkDesignTargets({ fixedRate }, PROFILES.full);
    for (const id of ['throughput-floor', 'stream-ttlb', 'rss-flat', 'slow-upstream', 'shed-503']) {
      expect(checks.find((check) => check.id === id)?.status).toBe('n/a');
    }
  });

  it('fails the slow-upstream target on any error and passes it at 100%', () => {
    const failing = step('converge', 1500, 1600, { ok: 99, errors: { timeout: 1 } });
    const checks = checkDesignTargets({ slowUpstream: { converge: failing } }, PROFILES.full);
    expect(checks.find((check) => check.id === 'slow-upstream')?.status).toBe('fail');
    const passing = checkDesignTargets(
      { slowUpstream: { converge: step('converge', 1500, 1600) } },
      PROFILES.full,
    );
    expect(passing.find((check) => check.id === 'slow-upstream')?.status).toBe('pass');
  });
});

describe('partial runs', () => {
  it('counts a run of some targets or scenarios as partial, so it never replaces the full results', () => {
    const all = {
      fixedRate: [],
      saturation: {},
      streaming: {},
      streamingPaced: {},
      slowUpstream: {},
      openStreams: {},
      memoryFlatness: {},
      micro: [],
    };
    const run = (targets: string[], scenarios: object) => ({ targets, scenarios }) as unknown as BenchResults;
    const everyTarget = ['direct', 'floor', 'converge', 'converge-off', 'portkey'];
    expect(isPartialRun(run(everyTarget, all))).toBe(false);
    expect(isPartialRun(run(['direct', 'converge'], all))).toBe(true);
    expect(isPartialRun(run(everyTarget, { saturation: {} }))).toBe(true);
  });

  it('never overwrites an earlier complete run of the same day; quick runs replace their file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'converge-bench-results-'));
    try {
      const complete = {
        mode: 'full',
        startedAt: '2026-12-07T06:10:00.000Z',
        targets: ['direct', 'floor', 'converge', 'converge-off', 'portkey'],
        scenarios: Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`s${index}`, {}])),
      } as unknown as BenchResults;
      const quick = { ...complete, mode: 'quick' } as BenchResults;
      await writeResults(root, complete, false);
      await writeResults(root, complete, false);
      await writeResults(root, quick, false);
      await writeResults(root, quick, false);
      expect(readdirSync(join(root, 'bench/results')).sort()).toEqual([
        '2026-12-07-2.json',
        '2026-12-07-quick.json',
        '2026-12-07.json',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('saturation and flatness rules', () => {
  const settings = PROFILES.full.saturation;
  it('sustains only with under 1% errors and a bounded p99', () => {
    expect(isSustained(step('floor', 1, 5), settings)).toBe(true);
    expect(isSustained(step('floor', 1, 400), settings)).toBe(false);
    expect(isSustained(step('floor', 1, 5, { errorRate: 0.02 }), settings)).toBe(false);
    expect(isSustained(step('floor', 1, 5, { ok: 0, latencyMs: null, errorRate: 0 }), settings)).toBe(false);
  });

  it('calls growth within max(10 MB, 10%) flat', () => {
    expect(isFlat(100, 109)).toBe(true);
    expect(isFlat(100, 111)).toBe(false);
    expect(isFlat(300, 325)).toBe(true);
  });
});

describe('report rendering', () => {
  it('replaces only the block between its markers, or appends one', () => {
    const markers = { start: '<!-- s -->', end: '<!-- e -->' };
    expect(replaceBetweenMarkers('a\n<!-- s -->\nold\n<!-- e -->\nb', markers, 'new')).toBe(
      'a\n<!-- s -->\nnew\n<!-- e -->\nb',
    );
    expect(replaceBetweenMarkers('# Doc\n', markers, 'new')).toBe('# Doc\n\n<!-- s -->\nnew\n<!-- e -->\n');
  });

  it('draws one line per target in each of the three percentile panels', () => {
    const svg = renderLatencyChart(fixedRate ?? [], 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(12);
    expect(svg).toContain('p99 latency');
    expect(svg).toContain('Portkey');
  });

  it('labels a quick run as noisy and lists every check', () => {
    const checks = checkDesignTargets({ fixedRate }, PROFILES.quick);
    const markdown = renderResultsMarkdown(
      {
        version: 1,
        mode: 'quick',
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:01:00.000Z',
        durationSeconds: 60,
        machine: { cpu: 'cpu', cores: 2, memoryGb: 24, os: 'Linux', loadAverageAtStart: [0, 0, 0] },
        node: 'v20',
        software: {},
        governance: {
          mode: 'on',
          measured: ['virtual-key auth'],
          pending: ['rate limit (issue #6)'],
          off: 'not measured',
        },
        targets: ['direct', 'floor', 'converge', 'portkey'],
        notes: [],
        converge: null,
        scenarios: { fixedRate },
        checks,
      },
      'chart.svg',
    );
    expect(markdown).toContain('noisy, not a measurement');
    expect(markdown).toContain('![p50/p90/p99 per rate and target](chart.svg)');
    expect(markdown.match(/^\| (✅ pass|❌ fail|— n\/a) \|/gm)).toHaveLength(checks.length);
  });
});

describe('options and helpers', () => {
  it('always includes the direct call, which added latency is measured against', () => {
    const options = parseBenchOptions(['--quick', '--targets', 'converge'], '/repo');
    expect(options?.targets).toEqual(['direct', 'converge']);
    expect(options?.profile.flatness.requests).toBe(3000);
  });

  it('rejects an unknown scenario by name', () => {
    expect(() => parseBenchOptions(['--only', 'nope'], '/repo')).toThrow(/unknown "nope"/);
  });

  it('downsamples long series and keeps the last point', () => {
    const points = Array.from({ length: 1000 }, (_, index) => index);
    const kept = downsample(points, 100);
    expect(kept.length).toBeLessThanOrEqual(101);
    expect(kept.at(-1)).toBe(999);
  });
});
