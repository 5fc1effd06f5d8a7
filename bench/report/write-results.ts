import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TARGET_IDS } from '../bench-options.js';
import type { BenchResults } from '../bench-results.js';
import { renderLatencyChart } from './render-latency-chart.js';
import { renderResultsMarkdown } from './render-markdown.js';

export const DOC_PATH = 'docs/performance.md';

/** The generated block of each mode lives between its own markers, so a quick run never overwrites a full one. */
export function markersFor(mode: BenchResults['mode']): { start: string; end: string } {
  return { start: `<!-- bench:${mode}:start -->`, end: `<!-- bench:${mode}:end -->` };
}

/**
 * Replaces what lies between the markers (kept) with `block`; appends markers and block when the
 * document has none yet.
 *
 * @example replaceBetweenMarkers('a<!-- s -->old<!-- e -->b', { start: '<!-- s -->', end: '<!-- e -->' }, 'new')
 * // 'a<!-- s -->\nnew\n<!-- e -->b'
 */
export function replaceBetweenMarkers(
  document: string,
  markers: { start: string; end: string },
  block: string,
): string {
  const start = document.indexOf(markers.start);
  const end = document.indexOf(markers.end);
  const replacement = `${markers.start}\n${block.trimEnd()}\n${markers.end}`;
  if (start === -1 || end === -1 || end < start) return `${document.trimEnd()}\n\n${replacement}\n`;
  return document.slice(0, start) + replacement + document.slice(end + markers.end.length);
}

/** Every scenario a complete run records (load scenarios and the micro-benchmarks). */
const ALL_SCENARIOS = 8;

/** A run of some targets or scenarios only (`--only`, `--targets`): never stands in for a full one. */
export function isPartialRun(results: BenchResults): boolean {
  return results.targets.length < TARGET_IDS.length || Object.keys(results.scenarios).length < ALL_SCENARIOS;
}

function stamp(results: BenchResults): string {
  const date = results.startedAt.slice(0, 10);
  if (results.mode === 'quick') return `${date}-quick`;
  return isPartialRun(results) ? `${date}-partial` : date;
}

/**
 * `<stamp>.json`, or `<stamp>-2.json`, `-3` … when a complete full run of the same day is already
 * there: committed results are never overwritten by a later run (quick and partial runs are).
 */
function freeName(directory: string, base: string, keepEarlier: boolean): string {
  let path = join(directory, `${base}.json`);
  for (let run = 2; keepEarlier && existsSync(path); run++) path = join(directory, `${base}-${run}.json`);
  return path;
}

export interface WrittenFiles {
  json: string;
  doc?: string;
  chart?: string;
}

/**
 * Writes bench/results/<date>.json (`-quick` for quick runs, `-partial` for runs of some targets or
 * scenarios) and, if asked and the run is complete (or quick), the doc block and the SVG chart.
 */
export async function writeResults(
  root: string,
  results: BenchResults,
  writeDoc: boolean,
): Promise<WrittenFiles> {
  const resultsDir = join(root, 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  const json = freeName(resultsDir, stamp(results), results.mode === 'full' && !isPartialRun(results));
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  // A partial run keeps its JSON only: the doc's block is the last complete run's.
  if (!writeDoc || (results.mode === 'full' && isPartialRun(results))) return { json };
  const chartName = results.mode === 'quick' ? 'performance-latency-quick.svg' : 'performance-latency.svg';
  const fixed = results.scenarios.fixedRate;
  let chart: string | undefined;
  if (fixed !== undefined && fixed.length > 0) {
    chart = join(root, 'docs', chartName);
    const caption = `${results.mode} run ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, Node ${results.node}`;
    await writeFile(chart, renderLatencyChart(fixed, caption));
  }
  const docPath = join(root, DOC_PATH);
  const document = existsSync(docPath) ? await readFile(docPath, 'utf8') : '# Performance\n';
  const block = renderResultsMarkdown(results, chart === undefined ? undefined : chartName);
  await writeFile(docPath, replaceBetweenMarkers(document, markersFor(results.mode), block));
  return { json, doc: docPath, ...(chart === undefined ? {} : { chart }) };
}
