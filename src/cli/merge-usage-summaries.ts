import type { UsageSummaryRow } from '../storage/types.js';
import { addUsageCounts } from '../storage/usage-counts.js';
import { toNanoUsd } from './usage-report.js';

/** Largest cost first; ties by group ascending, null last (the order `UsageStore.summarize` promises). */
function compareRows(a: UsageSummaryRow & { nano: bigint }, b: UsageSummaryRow & { nano: bigint }): number {
  if (a.nano !== b.nano) return a.nano > b.nano ? -1 : 1;
  if (a.group === b.group) return 0;
  if (a.group === null) return 1;
  if (b.group === null) return -1;
  return a.group < b.group ? -1 : 1;
}

/**
 * Adds up several summaries grouped the same way (one per key id when a key name covers several
 * keys), group by group. Costs are added in nano-dollars, so the merge is exact.
 *
 * @example
 * mergeUsageSummaries([await usage.summarize({ by: 'model', keyId: a }), await usage.summarize({ by: 'model', keyId: b })]);
 */
export function mergeUsageSummaries(summaries: readonly (readonly UsageSummaryRow[])[]): UsageSummaryRow[] {
  const merged = new Map<string | null, UsageSummaryRow & { nano: bigint }>();
  for (const row of summaries.flat()) {
    const existing = merged.get(row.group);
    if (existing === undefined) {
      merged.set(row.group, { ...row, nano: toNanoUsd(row.costUsd) });
      continue;
    }
    existing.label ??= row.label;
    addUsageCounts(existing, row);
    existing.nano += toNanoUsd(row.costUsd);
  }
  return [...merged.values()]
    .sort(compareRows)
    .map(({ nano, ...row }) => ({ ...row, costUsd: Number(nano) / 1e9 }));
}
