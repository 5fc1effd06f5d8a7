import type { BenchResults, ConvergeObservations } from '../bench-results.js';
import type { MicroResult } from '../micro/micro-types.js';
import {
  renderFixedRate,
  renderFlatness,
  renderOpenStreams,
  renderRatios,
  renderSaturation,
  renderSlowUpstream,
  renderStreaming,
  table,
} from './render-load-tables.js';

function formatNs(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns).toLocaleString('en-US')} ns`;
}

function renderMicro(results: MicroResult[]): string {
  const rows = results.map((result) => [
    result.stage,
    result.operation,
    formatNs(result.nsPerOp),
    `${formatNs(result.minNsPerOp)} – ${formatNs(result.maxNsPerOp)}`,
  ]);
  return table(['stage', 'one operation', 'median', 'batch spread'], rows);
}

function renderHeader(results: BenchResults): string[] {
  const { machine, governance } = results;
  const title =
    results.mode === 'quick'
      ? `### Quick run — ${results.startedAt.slice(0, 10)} (smoke test: every scenario for about half a second; noisy, not a measurement)`
      : `### Full run — ${results.startedAt.slice(0, 10)}`;
  const software = Object.entries(results.software)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    title,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GiB, ${machine.os}; load average at start ${machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(' / ')}.`,
    `- Node ${results.node}; ${software}. Run took ${Math.round(results.durationSeconds)} s.`,
    `- Governance: ${governance.mode} — ${governance.measured.join(', ')}${governance.pending.length > 0 ? `; pending: ${governance.pending.join(', ')}` : ''}. Governance off: ${governance.off}.`,
    `- Loader, upstream sandboxes and the gateway under test share this machine, each in its own process.`,
    ...results.notes.map((note) => `- Note: ${note}`),
    '',
  ];
}

function renderChecks(results: BenchResults): string[] {
  const mark = { pass: '✅ pass', fail: '❌ fail', 'n/a': '— n/a' };
  const caveat =
    results.mode === 'quick'
      ? ' (quick run: shown to prove the harness works; these verdicts mean nothing)'
      : '';
  return [
    `#### DESIGN §9 targets${caveat}`,
    '',
    table(
      ['', 'target', 'measured'],
      results.checks.map((item) => [mark[item.status], item.target, item.detail]),
    ),
    '',
  ];
}

function renderObservations(converge: ConvergeObservations | null): string[] {
  if (converge === null) return [];
  const headers = Object.entries(converge.headers).map(([name, value]) => `\`${name}: ${value}\``);
  return [
    '#### What Converge reported',
    '',
    `- Response headers: ${headers.join(', ') || 'none'}.`,
    `- Usage rows written during the run: ${converge.usageRows ?? 'unknown'} (governance on: one per request).`,
    `- \`/metrics\`: ${converge.metrics === null ? 'not served yet (overhead histogram and event-loop lag arrive with item 5 of issue #7)' : converge.metrics.join('; ')}.`,
    '',
  ];
}

function section(title: string, body: string | undefined, intro = ''): string[] {
  if (body === undefined) return [];
  return [`#### ${title}`, '', ...(intro === '' ? [] : [intro, '']), body, ''];
}

/**
 * The generated part of docs/performance.md: run facts, target verdicts, one table per scenario,
 * the ratios and the chart. Latencies are ms from the *scheduled* send (open loop).
 */
export function renderResultsMarkdown(results: BenchResults, chartFile: string | undefined): string {
  const { scenarios } = results;
  const fixed = scenarios.fixedRate;
  return [
    ...renderHeader(results),
    ...renderChecks(results),
    ...section(
      'Non-streamed chat completion at fixed rates (ms)',
      fixed && renderFixedRate(fixed),
      'Added = the target minus direct at the same percentile. Late sends: requests the generator itself sent > 5 ms late (its own health; should be ~0).',
    ),
    ...(chartFile === undefined || fixed === undefined
      ? []
      : [`![p50/p90/p99 per rate and target](${chartFile})`, '']),
    ...section('Ratios (Converge ÷ the other)', fixed && renderRatios(fixed)),
    ...section(
      'Saturation: max sustained throughput',
      scenarios.saturation && renderSaturation(scenarios.saturation),
      'Sustained = < 1% errors and p99 ≤ the limit (open loop: past capacity latency grows first). CPU in cores of the target process at that rate.',
    ),
    ...section(
      'Streaming: 100-token streams (ms)',
      scenarios.streaming && renderStreaming(scenarios.streaming),
    ),
    ...section(
      'Paced streaming: does the first chunk wait for the last? (ms)',
      scenarios.streamingPaced && renderStreaming(scenarios.streamingPaced),
    ),
    ...section(
      'Slow upstream: 1.5 s latency (ms)',
      scenarios.slowUpstream && renderSlowUpstream(scenarios.slowUpstream),
    ),
    ...section(
      'Open streams: memory with many streams open',
      scenarios.openStreams && renderOpenStreams(scenarios.openStreams),
    ),
    ...section('Memory flatness', scenarios.memoryFlatness && renderFlatness(scenarios.memoryFlatness)),
    ...section('Hot path per stage (micro-benchmarks)', scenarios.micro && renderMicro(scenarios.micro)),
    ...renderObservations(results.converge),
  ].join('\n');
}
