import type { TargetId } from '../bench-options.js';
import { TARGET_LABELS } from '../bench-targets.js';
import type { StepResult } from '../run-step.js';
import type { FlatnessResult } from '../scenarios/memory-flatness.js';
import type { FixedRateResult, PerTarget } from '../scenarios/rate-scenarios.js';
import type { SaturationResult } from '../scenarios/saturation.js';
import {
  addedMs,
  errorCell,
  formatMs,
  formatRatio,
  formatSigned,
  ratio,
  summaryCell,
  typicalChunkCount,
} from './derive-metrics.js';

const ORDER: readonly TargetId[] = ['direct', 'floor', 'converge', 'converge-off', 'portkey'];

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function present<T>(record: Partial<Record<TargetId, T>>): [TargetId, T][] {
  return ORDER.filter((id) => record[id] !== undefined).map((id) => [id, record[id] as T]);
}

const mb = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));
const cpu = (step: StepResult) => (step.cpuMsPerRequest === null ? '–' : step.cpuMsPerRequest.toFixed(3));

export function renderFixedRate(data: FixedRateResult[]): string {
  const rows: string[][] = [];
  for (const { rate, results } of data) {
    for (const [id, step] of present(results)) {
      const latency = step.load.latencyMs;
      const added = (percentile: 'p50' | 'p99') =>
        id === 'direct' ? '' : formatSigned(addedMs(results, id, percentile));
      rows.push([
        String(rate),
        TARGET_LABELS[id],
        summaryCell(latency, 'p50'),
        summaryCell(latency, 'p90'),
        summaryCell(latency, 'p99'),
        summaryCell(latency, 'max'),
        added('p50'),
        added('p99'),
        `${step.load.ok}/${step.load.scheduled}`,
        errorCell(step),
        cpu(step),
        mb(step.peakRssMb),
        String(step.load.lateSends),
      ]);
    }
  }
  return table(
    [
      'req/s',
      'target',
      'p50',
      'p90',
      'p99',
      'max',
      'added p50',
      'added p99',
      'ok',
      'errors',
      'CPU ms/req',
      'peak RSS MB',
      'late sends',
    ],
    rows,
  );
}

export function renderRatios(data: FixedRateResult[]): string {
  const rows = data.map(({ rate, results }) => {
    const added = (target: TargetId, percentile: 'p50' | 'p99') => addedMs(results, target, percentile);
    const total = (target: TargetId, percentile: 'p50' | 'p99') =>
      results[target]?.load.latencyMs?.[percentile];
    const cpuOf = (target: TargetId) => results[target]?.cpuMsPerRequest ?? undefined;
    return [
      String(rate),
      formatRatio(ratio(added('converge', 'p50'), added('floor', 'p50'))),
      formatRatio(ratio(added('converge', 'p99'), added('floor', 'p99'))),
      formatRatio(ratio(total('converge', 'p50'), total('direct', 'p50'))),
      formatRatio(ratio(total('converge', 'p99'), total('direct', 'p99'))),
      formatRatio(ratio(added('converge', 'p50'), added('portkey', 'p50'))),
      formatRatio(ratio(added('converge', 'p99'), added('portkey', 'p99'))),
      formatRatio(ratio(cpuOf('converge'), cpuOf('floor'))),
      formatRatio(ratio(added('converge', 'p50'), added('converge-off', 'p50'))),
      formatRatio(ratio(cpuOf('converge'), cpuOf('converge-off'))),
    ];
  });
  return table(
    [
      'req/s',
      'added p50 vs floor',
      'added p99 vs floor',
      'p50 vs direct',
      'p99 vs direct',
      'added p50 vs Portkey',
      'added p99 vs Portkey',
      'CPU/req vs floor',
      'added p50 vs governance off',
      'CPU/req vs governance off',
    ],
    rows,
  );
}

export function renderSaturation(data: Partial<Record<TargetId, SaturationResult>>): string {
  const floor = data.floor?.maxSustainedRps;
  const portkey = data.portkey?.maxSustainedRps;
  const rows = present(data).map(([id, result]) => {
    const best = result.best;
    const over = result.overload;
    const overload =
      over === null
        ? '–'
        : `${over.load.offeredRps}/s: ${(100 * over.load.errorRate).toFixed(1)}% errors, p99 ${formatMs(over.load.latencyMs?.p99)} ms`;
    return [
      TARGET_LABELS[id],
      String(result.maxSustainedRps),
      result.achievedRps.toFixed(0),
      best === null ? '–' : best.cpuCores.toFixed(2),
      best === null ? '–' : cpu(best),
      mb(best?.peakRssMb),
      overload,
      id === 'converge'
        ? `${formatRatio(ratio(result.maxSustainedRps, floor))} / ${formatRatio(ratio(result.maxSustainedRps, portkey))}`
        : '',
    ];
  });
  return table(
    [
      'target',
      'max sustained req/s',
      'achieved req/s',
      'CPU (cores)',
      'CPU ms/req',
      'peak RSS MB',
      'first rate not sustained',
      'vs floor / vs Portkey',
    ],
    rows,
  );
}

export function renderStreaming(data: PerTarget): string {
  const rows = present(data).map(([id, step]) => {
    const { ttfbMs, latencyMs } = step.load;
    const direct = id === 'direct';
    return [
      TARGET_LABELS[id],
      summaryCell(ttfbMs, 'p50'),
      summaryCell(ttfbMs, 'p99'),
      summaryCell(latencyMs, 'p50'),
      summaryCell(latencyMs, 'p99'),
      direct ? '' : formatSigned(addedMs(data, id, 'p50', 'ttfbMs')),
      direct ? '' : formatSigned(addedMs(data, id, 'p50')),
      direct ? '' : formatSigned(addedMs(data, id, 'p99')),
      String(typicalChunkCount(step) ?? '–'),
      `${step.load.ok}/${step.load.scheduled}`,
      errorCell(step),
      mb(step.peakRssMb),
    ];
  });
  return table(
    [
      'target',
      'first byte p50',
      'first byte p99',
      'last byte p50',
      'last byte p99',
      'added first byte p50',
      'added last byte p50',
      'added last byte p99',
      'events/stream',
      'ok',
      'errors',
      'peak RSS MB',
    ],
    rows,
  );
}

export function renderSlowUpstream(data: PerTarget): string {
  const rows = present(data).map(([id, step]) => {
    const latency = step.load.latencyMs;
    const success = step.load.scheduled === 0 ? 0 : (100 * step.load.ok) / step.load.scheduled;
    return [
      TARGET_LABELS[id],
      `${success.toFixed(2)}%`,
      summaryCell(latency, 'p50'),
      summaryCell(latency, 'p99'),
      summaryCell(latency, 'max'),
      id === 'direct' ? '' : formatSigned(addedMs(data, id, 'p99')),
      String(step.load.maxInFlight),
      errorCell(step),
      mb(step.peakRssMb),
    ];
  });
  return table(
    ['target', 'success', 'p50', 'p99', 'max', 'added p99', 'max in flight', 'errors', 'peak RSS MB'],
    rows,
  );
}

export function renderOpenStreams(data: PerTarget): string {
  const rows = present(data).map(([id, step]) => [
    TARGET_LABELS[id],
    String(step.load.maxInFlight),
    `${step.load.ok}/${step.load.scheduled}`,
    summaryCell(step.load.ttfbMs, 'p99'),
    errorCell(step),
    mb(step.peakRssMb),
  ]);
  return table(
    ['target', 'open at once (max)', 'completed', 'first byte p99', 'errors', 'peak RSS MB'],
    rows,
  );
}

export function renderFlatness(result: FlatnessResult): string {
  return table(
    ['target', 'requests', 'req/s', 'RSS before', 'RSS after', 'growth', 'peak RSS', 'ok', 'errors', 'flat'],
    [
      [
        TARGET_LABELS[result.target],
        result.requests.toLocaleString('en-US'),
        String(result.rate),
        `${mb(result.beforeRssMb)} MB`,
        `${mb(result.afterRssMb)} MB`,
        `${formatSigned(result.growthMb)} MB`,
        `${mb(result.peakRssMb)} MB`,
        `${result.run.load.ok}/${result.run.load.scheduled}`,
        errorCell(result.run),
        result.flat ? 'yes' : 'no',
      ],
    ],
  );
}
