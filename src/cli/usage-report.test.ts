import { describe, expect, it } from 'vitest';
import type { UsageSummaryRow } from '../storage/types.js';
import { formatCsv } from './format-csv.js';
import { mergeUsageSummaries } from './merge-usage-summaries.js';
import { parseCsv } from './test-support/capture-cli-output.js';
import { parseTimeOption } from './usage-command.js';
import {
  buildUsageReport,
  costColumnDecimals,
  exactDecimals,
  formatNanoUsd,
  formatShareBar,
  toNanoUsd,
} from './usage-report.js';

function summaryRow(group: string | null, costUsd: number, label: string | null = null): UsageSummaryRow {
  return {
    group,
    label,
    requests: 1,
    succeeded: 1,
    inputTokens: 10,
    outputTokens: 2,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd,
  };
}

describe('exact cost formatting', () => {
  it('converts, counts decimals and prints nano-dollars without float error', () => {
    expect(toNanoUsd(0.1) + toNanoUsd(0.2)).toBe(300_000_000n);
    expect(toNanoUsd(1234567.123456789)).toBe(1_234_567_123_456_789n);
    expect([0n, 1_500_000_000n, 123_000n, 1n].map(exactDecimals)).toEqual([0, 1, 6, 9]);
    expect(costColumnDecimals([])).toBe(2);
    expect(costColumnDecimals([1_500_000_000n, 123_000n])).toBe(6);
    expect(formatNanoUsd(300_000_000n, 2)).toBe('0.30');
    expect(formatNanoUsd(1_300_123_457n, 9)).toBe('1.300123457');
    expect(formatNanoUsd(-1_500_000_000n, 2)).toBe('-1.50');
    expect(formatNanoUsd(12_000_000_000n, 0)).toBe('12');
  });

  it('draws share bars in eighths of a cell', () => {
    expect(formatShareBar(0.5, 10)).toBe('█████     ');
    expect(formatShareBar(1 / 16, 2)).toBe('▏ ');
    expect(formatShareBar(1, 4)).toBe('████');
    expect(formatShareBar(0, 3)).toBe('   ');
    expect(formatShareBar(2, 3)).toBe('███');
  });
});

describe('buildUsageReport', () => {
  it('names team groups, keeps key labels apart by id, prints (none), and totals exactly', () => {
    const teams = buildUsageReport(
      'team',
      [summaryRow('team_1', 0.1), summaryRow('team_gone', 0.2), summaryRow(null, 0)],
      new Map([['team_1', 'search']]),
    );
    expect(teams.rows.map((row) => row.name)).toEqual(['search', 'team_gone', '(none)']);
    expect(teams.total).toMatchObject({
      name: 'TOTAL',
      requests: 3,
      inputTokens: 30,
      costNanoUsd: 300_000_000n,
    });
    const keys = buildUsageReport(
      'key',
      [summaryRow('key_1', 1, 'ci'), summaryRow('key_2', 1, 'ci'), summaryRow('key_3', 1, 'ops')],
      new Map(),
    );
    expect(keys.rows.map((row) => row.name)).toEqual(['ci (key_1)', 'ci (key_2)', 'ops']);
    const days = buildUsageReport(
      'day',
      [summaryRow('2025-06-02', 5), summaryRow('2025-06-01', 1)],
      new Map(),
    );
    expect(days.rows.map((row) => row.group)).toEqual(['2025-06-01', '2025-06-02']);
  });

  it('merges summaries group by group in nano-dollars and re-sorts by cost', () => {
    const merged = mergeUsageSummaries([
      [summaryRow('gpt-4o', 0.1), summaryRow(null, 0)],
      [summaryRow('gpt-4o', 0.2), summaryRow('o3-mini', 0.25)],
    ]);
    expect(merged.map((row) => [row.group, row.requests, row.costUsd])).toEqual([
      ['gpt-4o', 2, 0.3],
      ['o3-mini', 1, 0.25],
      [null, 1, 0],
    ]);
  });
});

describe('formatCsv', () => {
  it('quotes only what RFC 4180 requires and parses back', () => {
    const records = [
      ['plain', 'with, comma', 'with "quotes"', 'line\nbreak', ''],
      ['a', 'b', 'c', 'd', 'e'],
    ];
    const text = formatCsv(records);
    expect(text).toBe('plain,"with, comma","with ""quotes""","line\nbreak",\r\na,b,c,d,e\r\n');
    expect(parseCsv(text)).toEqual(records);
  });
});

describe('parseTimeOption', () => {
  const now = Date.parse('2025-06-10T12:00:00Z');
  it('reads durations back from now and ISO dates (UTC unless offset)', () => {
    expect(parseTimeOption('--since', '7d', now)).toBe(Date.parse('2025-06-03T12:00:00Z'));
    expect(parseTimeOption('--since', '90m', now)).toBe(Date.parse('2025-06-10T10:30:00Z'));
    expect(parseTimeOption('--since', '2025-06-01', now)).toBe(Date.parse('2025-06-01T00:00:00Z'));
    expect(parseTimeOption('--since', '2025-06-01T08:30', now)).toBe(Date.parse('2025-06-01T08:30:00Z'));
    expect(parseTimeOption('--since', '2025-06-01T08:30:00+02:00', now)).toBe(
      Date.parse('2025-06-01T06:30:00Z'),
    );
  });

  it('refuses what is not a time, including impossible dates', () => {
    for (const text of ['yesterday', '2025-02-30', '2025-02-30T00:00Z', '2025-6-1', '7 days', ''])
      expect(() => parseTimeOption('--since', text, now), text).toThrow(/--since must be a duration/);
  });
});
