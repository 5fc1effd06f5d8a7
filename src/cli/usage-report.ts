import type { UsageGroupBy, UsageSummaryRow } from '../storage/types.js';
import { addUsageCounts, emptyUsageCounts, toNanoUsd as toStoredNanoUsd } from '../storage/usage-counts.js';

const NANO_PER_USD = 1_000_000_000n;

/** One line of a usage report: the store's sums plus a display name and the cost in exact nano-dollars. */
export interface UsageReportRow {
  /** Team id, key id, model, provider or day; null when the rows had none. */
  group: string | null;
  /** What to print: the team name, the key name, else the group itself; `(none)` for null. */
  name: string;
  requests: number;
  succeeded: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanoUsd: bigint;
}

export interface UsageReport {
  by: UsageGroupBy;
  rows: UsageReportRow[];
  /** Every column summed over `rows`; the cost is summed in integer nano-dollars, so it is exact. */
  total: UsageReportRow;
}

/**
 * A USD amount from the store as integer nano-dollars (the store rounds costs to the nano-dollar,
 * so this only undoes the float conversion).
 *
 * @example
 * toNanoUsd(0.1); // 100000000n
 */
export function toNanoUsd(usd: number): bigint {
  return BigInt(toStoredNanoUsd(usd));
}

/**
 * How many decimals show `nano` exactly (0–9).
 *
 * @example
 * exactDecimals(1_500_000_000n); // 1 (1.5)
 */
export function exactDecimals(nano: bigint): number {
  let fraction = (nano < 0n ? -nano : nano) % NANO_PER_USD;
  if (fraction === 0n) return 0;
  let decimals = 9;
  while (fraction % 10n === 0n) {
    fraction /= 10n;
    decimals--;
  }
  return decimals;
}

/**
 * Nano-dollars as a fixed-decimal USD string; `decimals` must be at least `exactDecimals(nano)` for the
 * result to be exact (only zeros are dropped).
 *
 * @example
 * formatNanoUsd(300_000_000n, 2); // '0.30'
 */
export function formatNanoUsd(nano: bigint, decimals: number): string {
  const sign = nano < 0n ? '-' : '';
  const magnitude = nano < 0n ? -nano : nano;
  const whole = (magnitude / NANO_PER_USD).toString();
  const fraction = (magnitude % NANO_PER_USD).toString().padStart(9, '0').slice(0, decimals);
  return decimals === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/**
 * The decimals a cost column needs so every row (and so the total) is printed exactly: at least 2.
 *
 * @example
 * costColumnDecimals([1_500_000_000n, 123_000n]); // 6
 */
export function costColumnDecimals(costs: readonly bigint[]): number {
  return Math.max(2, ...costs.map(exactDecimals));
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A text bar of `share` (0–1) in `width` cells, in eighths of a cell: █ for full cells.
 *
 * @example
 * formatShareBar(0.5, 10); // '█████     '
 */
export function formatShareBar(share: number, width: number): string {
  const eighths = Math.round(Math.min(1, Math.max(0, share)) * width * 8);
  const bar = '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
  return bar.padEnd(width);
}

function sumRows(rows: readonly UsageReportRow[]): UsageReportRow {
  const total: UsageReportRow = {
    group: null,
    name: 'TOTAL',
    ...emptyUsageCounts(),
    costNanoUsd: 0n,
  };
  for (const row of rows) {
    addUsageCounts(total, row);
    total.costNanoUsd += row.costNanoUsd;
  }
  return total;
}

/** Names rows; two key rows with the same name (a rotated or re-issued key) get their ids appended. */
function nameRows(
  by: UsageGroupBy,
  rows: readonly UsageSummaryRow[],
  teamNames: ReadonlyMap<string, string>,
) {
  const nameOf = (row: UsageSummaryRow): string => {
    if (row.group === null) return '(none)';
    if (by === 'team') return teamNames.get(row.group) ?? row.group;
    if (by === 'key') return row.label ?? row.group;
    return row.group;
  };
  const names = rows.map(nameOf);
  return rows.map((row, index) => {
    const name = names[index] ?? '';
    const clashes = row.group !== null && names.filter((other) => other === name).length > 1;
    return clashes ? `${name} (${row.group})` : name;
  });
}

/**
 * Turns the store's summary into a report: display names, costs in exact nano-dollars, and a TOTAL
 * that is the exact sum of the rows. Rows keep the store's order (largest cost first) except by day,
 * which is chronological.
 *
 * @example
 * const report = buildUsageReport('team', await storage.usage.summarize({ by: 'team' }), teamNames);
 * formatNanoUsd(report.total.costNanoUsd, 2);
 */
export function buildUsageReport(
  by: UsageGroupBy,
  summary: readonly UsageSummaryRow[],
  teamNames: ReadonlyMap<string, string>,
): UsageReport {
  const ordered =
    by === 'day' ? [...summary].sort((a, b) => (a.group ?? '').localeCompare(b.group ?? '')) : summary;
  const names = nameRows(by, ordered, teamNames);
  const rows = ordered.map(
    (row, index): UsageReportRow => ({
      group: row.group,
      name: names[index] ?? '',
      requests: row.requests,
      succeeded: row.succeeded,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      cacheReadTokens: row.cacheReadTokens,
      cacheWriteTokens: row.cacheWriteTokens,
      reasoningTokens: row.reasoningTokens,
      costNanoUsd: toNanoUsd(row.costUsd),
    }),
  );
  return { by, rows, total: sumRows(rows) };
}
