import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/open-storage.js';
import { CliError } from './cli-support.js';
import { runKeysCommand } from './keys-command.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories, parseCsv } from './test-support/capture-cli-output.js';
import {
  FIXTURE_NAMES,
  FIXTURE_ROWS,
  type FixtureIds,
  toFixtureUsageRow,
} from './test-support/usage-fixture.js';
import { runUsageCommand } from './usage-command.js';

const directories = createTemporaryDirectories('converge-usage-');
afterAll(directories.cleanup);
const dataDir = directories.next();

const { teamA: TEAM_A, teamB: TEAM_B, keyA: KEY_A, keyB: KEY_B } = FIXTURE_NAMES;
const ids: FixtureIds = { teamA: '', teamB: '', keyA: '', keyB: '' };

const usage = (...args: string[]) =>
  captureCliOutput(() => runUsageCommand([...args, '--data-dir', dataDir]));

beforeAll(async () => {
  const run = async (command: (args: string[]) => Promise<number>, args: string[]) =>
    JSON.parse(await captureCliOutput(() => command([...args, '--json', '--data-dir', dataDir]))) as {
      id: string;
    };
  ids.teamA = (await run(runTeamsCommand, ['create', '--name', TEAM_A])).id;
  ids.teamB = (await run(runTeamsCommand, ['create', '--name', TEAM_B])).id;
  ids.keyA = (await run(runKeysCommand, ['create', '--name', KEY_A, '--team', ids.teamA])).id;
  ids.keyB = (await run(runKeysCommand, ['create', '--name', KEY_B, '--team', TEAM_B])).id;
  const storage = await openStorage({ type: 'sqlite', dataDir });
  await storage.usage.insertMany(FIXTURE_ROWS.map((spec, index) => toFixtureUsageRow(spec, index, ids)));
  await storage.close();
});

/** A decimal USD string as integer nano-dollars, independent of the code under test. */
function toNano(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

/** The table's data rows and TOTAL row as cells (columns are separated by at least two spaces). */
function parseTable(printed: string) {
  const lines = printed.split('\n').filter((line) => line !== '');
  const rules = lines.flatMap((line, index) => (line.startsWith('─') ? [index] : []));
  const cells = (line: string) => line.trim().split(/\s{2,}/);
  const rows = lines.slice((rules[0] ?? 0) + 1, rules[1]).map(cells);
  const total = cells(lines[(rules[1] ?? 0) + 1] ?? '');
  return { rows, total };
}

/** Checks that every numeric column of TOTAL is the sum of the rows; returns [name, requests, cost] per row. */
function checkTotals(printed: string) {
  const { rows, total } = parseTable(printed);
  for (let column = 1; column <= 6; column++) {
    const sum = rows.reduce(
      (accumulated, row) => accumulated + Number((row[column] ?? '').replaceAll(',', '')),
      0,
    );
    expect(Number((total[column] ?? '').replaceAll(',', '')), `column ${column}`).toBe(sum);
  }
  const costSum = rows.reduce((accumulated, row) => accumulated + toNano(row[7] ?? ''), 0n);
  expect(toNano(total[7] ?? '')).toBe(costSum);
  return { total, rows: rows.map((row) => [row[0], row[1], row[7]]) };
}

describe('converge usage', () => {
  it('--by team: team names, (none), exact TOTAL that equals the rows and the hand-computed sum', async () => {
    const printed = await usage('--by', 'team');
    const { rows, total } = checkTotals(printed);
    expect(rows).toEqual([
      [TEAM_B, '2', '1.000000001'],
      [TEAM_A, '4', '0.300123456'],
      ['(none)', '1', '0.000000000'],
    ]);
    expect(total).toEqual(['TOTAL', '7', '5', '1,650', '165', '150', '5', '1.300123457']);
    expect(printed).toMatch(
      /TEAM\s+REQUESTS\s+OK\s+INPUT\s+OUTPUT\s+CACHE READ\s+CACHE WRITE\s+COST USD\s+COST SHARE/,
    );
    // Cost share: B 7691 and A 2308 basis points, drawn in 20 cells of █ and eighths (15 3/8 and 4 5/8).
    expect(printed).toMatch(/1\.000000001\s+███████████████▍\s+76\.9%/);
    expect(printed).toMatch(/0\.300123456\s+████▋\s+23\.1%/);
  });

  it('--by key, model, provider and day: every TOTAL is the exact sum and the hand-computed number', async () => {
    const expected: Record<string, Array<[string, string, string]>> = {
      key: [
        [KEY_B, '2', '1.000000001'],
        [KEY_A, '4', '0.300123456'],
        ['(none)', '1', '0.000000000'],
      ],
      model: [
        ['gemini-flash', '1', '1.000000001'],
        ['gpt-4o', '4', '0.300000000'],
        ['claude-sonnet', '2', '0.000123456'],
      ],
      provider: [
        ['vertex', '1', '1.000000001'],
        ['azure-openai', '3', '0.300000000'],
        ['bedrock', '2', '0.000123456'],
        ['(none)', '1', '0.000000000'],
      ],
      day: [
        ['2025-06-01', '2', '0.300000000'],
        ['2025-06-02', '3', '1.000123457'],
        ['2025-06-03', '2', '0.000000000'],
      ],
    };
    for (const [by, rows] of Object.entries(expected)) {
      const result = checkTotals(await usage('--by', by));
      expect(result.rows, by).toEqual(rows);
      expect(result.total[7], by).toBe('1.300123457');
    }
  });

  it('filters by time, team, model and provider; decimals shrink to what the rows need', async () => {
    const range = checkTotals(await usage('--by', 'team', '--since', '2025-06-02', '--until', '2025-06-03'));
    expect(range.rows).toEqual([
      [TEAM_B, '1', '1.000000001'],
      [TEAM_A, '2', '0.000123456'],
    ]);
    expect(range.total[7]).toBe('1.000123457');
    // 0.1 + 0.2 in floats is 0.30000000000000004; summed in nano-dollars it is exactly 0.30.
    const gpt = checkTotals(await usage('--by', 'team', '--model', 'gpt-4o'));
    expect(gpt.rows).toEqual([
      [TEAM_A, '2', '0.30'],
      [TEAM_B, '1', '0.00'],
      ['(none)', '1', '0.00'],
    ]);
    expect(gpt.total[7]).toBe('0.30');
    const teamB = checkTotals(await usage('--by', 'provider', '--team', TEAM_B));
    expect(teamB.rows.map((row) => row[0])).toEqual(['vertex', 'azure-openai']);
    const bedrock = checkTotals(
      await usage('--by', 'day', '--provider', 'bedrock', '--since', '2025-06-01T00:00:00+02:00'),
    );
    expect(bedrock.rows).toEqual([['2025-06-02', '2', '0.000123456']]);
    expect(checkTotals(await usage('--since', '2030-01-01')).total).toEqual([
      'TOTAL',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0.00',
    ]);
  });

  it('--csv is RFC 4180: quoted names parse back; no total line; the cost column sums to the total', async () => {
    const table = await usage('--by', 'key', '--until', '2025-06-04');
    const records = parseCsv(await usage('--by', 'team', '--csv'));
    expect(table).not.toContain('\r');
    expect(records[0]).toEqual([
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
    ]);
    expect(records.slice(1)).toEqual([
      [ids.teamB, TEAM_B, '2', '2', '350', '35', '100', '0', '0', '1.000000001'],
      [ids.teamA, TEAM_A, '4', '3', '1300', '130', '50', '5', '0', '0.300123456'],
      ['', '(none)', '1', '0', '0', '0', '0', '0', '0', '0.000000000'],
    ]);
    const raw = await usage('--by', 'key', '--csv', '--until', '2025-06-04');
    expect(raw).toContain('"bot, ""alpha"""');
    const sum = parseCsv(raw)
      .slice(1)
      .reduce((accumulated, record) => accumulated + toNano(record[9] ?? ''), 0n);
    expect(sum).toBe(toNano('1.300123457'));
  });

  it('--json gives rows and total in exact nano-dollars', async () => {
    const document = JSON.parse(
      await usage('--by', 'model', '--json', '--since', '2025-06-01', '--until', '2025-06-04'),
    );
    expect(document).toMatchObject({
      by: 'model',
      since: '2025-06-01T00:00:00.000Z',
      until: '2025-06-04T00:00:00.000Z',
    });
    expect(
      document.rows.map((row: { name: string; costNanoUsd: number }) => [row.name, row.costNanoUsd]),
    ).toEqual([
      ['gemini-flash', 1_000_000_001],
      ['gpt-4o', 300_000_000],
      ['claude-sonnet', 123_456],
    ]);
    expect(document.total).toMatchObject({ requests: 7, costNanoUsd: 1_300_123_457, costUsd: 1.300123457 });
  });

  it('refuses bad options with a clear CliError', async () => {
    const failures: Array<[string[], RegExp]> = [
      [['--by', 'week'], /usage: --by must be team, key, model, provider, day; got 'week'/],
      [
        ['--since', 'yesterday'],
        /--since must be a duration like 7d or an ISO date like 2025-06-01, got 'yesterday'/,
      ],
      [['--since', '2025-02-30'], /--since must be a duration .* got '2025-02-30'/],
      [['--until', '2025-06-01T25:00'], /--until must be a duration/],
      [
        ['--since', '2025-06-03', '--until', '2025-06-01'],
        /--since \(2025-06-03\) must be before --until \(2025-06-01\)/,
      ],
      [['--csv', '--json'], /usage: give --csv or --json, not both/],
      [['--team', 'nope'], /no team named or with id 'nope'/],
      [['--key', 'nope'], /no key named or with id 'nope'/],
      [['team'], /usage: unexpected argument 'team'/],
    ];
    for (const [args, message] of failures) {
      const error = await usage(...args).catch((caught: unknown) => caught);
      expect(error, args.join(' ')).toBeInstanceOf(CliError);
      expect(error, args.join(' ')).toMatchObject({ message: expect.stringMatching(message) });
    }
  });

  it('--key by name covers the keys a rotation replaced; rows with the same name are told apart by id', async () => {
    const rotated = JSON.parse(
      await captureCliOutput(() => runKeysCommand(['rotate', KEY_B, '--json', '--data-dir', dataDir])),
    ) as { id: string };
    const storage = await openStorage({ type: 'sqlite', dataDir });
    const spec = FIXTURE_ROWS[4];
    if (spec === undefined) throw new Error('the fixture has rows');
    const extra = { ...toFixtureUsageRow(spec, 99, ids), keyId: rotated.id, costUsd: 0.5 };
    await storage.usage.insertMany([extra]);
    await storage.close();
    const byKey = checkTotals(await usage('--by', 'key', '--key', KEY_B));
    expect(byKey.rows).toEqual([
      [`${KEY_B} (${ids.keyB})`, '2', '1.000000001'],
      [`${KEY_B} (${rotated.id})`, '1', '0.500000000'],
    ]);
    expect(byKey.total[7]).toBe('1.500000001');
    expect(checkTotals(await usage('--by', 'model', '--key', ids.keyB)).total[7]).toBe('1.000000001');
  });
});
