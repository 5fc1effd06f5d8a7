import type { UsageGroupBy } from '../storage/types.js';
import { formatTable } from './cli-support.js';
import { formatCsv } from './format-csv.js';
import {
  costColumnDecimals,
  formatNanoUsd,
  formatShareBar,
  type UsageReport,
  type UsageReportRow,
} from './usage-report.js';

const GROUP_HEADERS: Record<UsageGroupBy, string> = {
  team: 'TEAM',
  key: 'KEY',
  model: 'MODEL',
  provider: 'PROVIDER',
  day: 'DAY (UTC)',
};

/** Cells of the cost-share bar. */
const BAR_WIDTH = 20;

const count = (value: number) => value.toLocaleString('en-US');

function shareCell(row: UsageReportRow, totalNano: bigint): string {
  if (totalNano <= 0n) return '';
  // Basis points from integers first, so the percentage is not skewed by float division of big numbers.
  const basisPoints = Number((row.costNanoUsd * 10_000n) / totalNano);
  const percent = `${(basisPoints / 100).toFixed(1)}%`.padStart(6);
  return `${formatShareBar(basisPoints / 10_000, BAR_WIDTH)} ${percent}`;
}

function tableCells(row: UsageReportRow, decimals: number): string[] {
  return [
    row.name,
    count(row.requests),
    count(row.succeeded),
    count(row.inputTokens),
    count(row.outputTokens),
    count(row.cacheReadTokens),
    count(row.cacheWriteTokens),
    formatNanoUsd(row.costNanoUsd, decimals),
  ];
}

/**
 * The report as an aligned table with a cost-share bar per row and a TOTAL line. Costs use one
 * fixed number of decimals, enough to print every row exactly, so TOTAL is visibly their exact sum.
 *
 * @example
 * process.stdout.write(formatUsageTable(report));
 */
export function formatUsageTable(report: UsageReport): string {
  const decimals = costColumnDecimals(report.rows.map((row) => row.costNanoUsd));
  const headers = [
    GROUP_HEADERS[report.by],
    'REQUESTS',
    'OK',
    'INPUT',
    'OUTPUT',
    'CACHE READ',
    'CACHE WRITE',
    'COST USD',
    'COST SHARE',
  ];
  const rows = report.rows.map((row) => [
    ...tableCells(row, decimals),
    shareCell(row, report.total.costNanoUsd),
  ]);
  const footer = [tableCells(report.total, decimals)];
  return formatTable(headers, rows, { alignRight: [1, 2, 3, 4, 5, 6, 7], footer });
}

/** The CSV columns, in order; documented in `converge usage --help`. */
export const USAGE_CSV_HEADER = [
  'group',
  'name',
  'requests',
  'succeeded',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
];

/**
 * The report as RFC 4180 CSV: a header line and one line per group, no total line (sum the column).
 * `group` is the raw value (team or key id, model, provider, day; empty for none), `name` what the table shows.
 *
 * @example
 * process.stdout.write(formatUsageCsv(report));
 */
export function formatUsageCsv(report: UsageReport): string {
  const decimals = costColumnDecimals(report.rows.map((row) => row.costNanoUsd));
  const records = report.rows.map((row) => [
    row.group ?? '',
    row.name,
    String(row.requests),
    String(row.succeeded),
    String(row.inputTokens),
    String(row.outputTokens),
    String(row.cacheReadTokens),
    String(row.cacheWriteTokens),
    String(row.reasoningTokens),
    formatNanoUsd(row.costNanoUsd, decimals),
  ]);
  return formatCsv([USAGE_CSV_HEADER, ...records]);
}

function jsonRow(row: UsageReportRow) {
  const { costNanoUsd, ...rest } = row;
  // Nano-dollars stay exact as a number up to $9M; costUsd is the nearest double, for convenience.
  return { ...rest, costNanoUsd: Number(costNanoUsd), costUsd: Number(costNanoUsd) / 1e9 };
}

/**
 * The report as one JSON document: `{ by, since, until, rows, total }`, costs in nano-dollars and USD.
 *
 * @example
 * process.stdout.write(formatUsageJson(report, { since: 0, until: null }));
 */
export function formatUsageJson(report: UsageReport, range: { since: number | null; until: number | null }) {
  const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());
  const document = {
    by: report.by,
    since: iso(range.since),
    until: iso(range.until),
    rows: report.rows.map(jsonRow),
    total: jsonRow(report.total),
  };
  return `${JSON.stringify(document)}\n`;
}
