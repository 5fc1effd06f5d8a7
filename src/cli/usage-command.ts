import type { Storage } from '../storage/open-storage.js';
import type { UsageGroupBy, UsageSummaryQuery, UsageSummaryRow } from '../storage/types.js';
import { CliError, parseCommandArgs, parseDuration } from './cli-support.js';
import { formatTimestamp } from './describe-policy.js';
import { findTeam, loadTeamNames } from './find-records.js';
import {
  formatUsageCsv,
  formatUsageJson,
  formatUsageTable,
  USAGE_CSV_HEADER,
} from './format-usage-report.js';
import { mergeUsageSummaries } from './merge-usage-summaries.js';
import { formatStorageHelp, openCliStorage, STORAGE_ARG_OPTIONS } from './open-cli-storage.js';
import { buildUsageReport } from './usage-report.js';

const GROUPINGS: readonly UsageGroupBy[] = ['team', 'key', 'model', 'provider', 'day'];

const HELP = `Usage: converge usage [--by team|key|model|provider|day] [filters] [--csv|--json]

Reports requests, tokens and cost per group from the usage the gateway recorded, with a TOTAL line.
Costs are summed exactly (in integer nano-dollars) and printed with one fixed number of decimals,
enough to show every row exactly, so TOTAL is the exact sum of the rows. Requests nothing priced
count as 0 USD. COST SHARE draws each row's part of the total cost.

  converge usage --by team --since 7d
  converge usage --by model --team search --since 2025-06-01 --until 2025-07-01 --csv > june.csv

Options:
  --by <group>        team (name), key (name), model (as requested), provider, day (UTC); default team
  --since <when>      From (inclusive): a duration back from now (90m, 24h, 7d, 4w) or an ISO date/time
  --until <when>      Until (exclusive): same forms; default now. ISO times without an offset are UTC
  --team <team>       Only this team (name or id; deleted teams too)
  --key <key>         Only this key: an id, or a name (every key that has had it: rotations included)
  --model <model>     Only this requested model
  --provider <type>   Only this provider
  --csv               RFC 4180 CSV (CRLF line ends) without the total line (sum the columns); columns:
                      ${USAGE_CSV_HEADER.slice(0, 5).join(',')},
                      ${USAGE_CSV_HEADER.slice(5).join(',')}
                      group is the raw team/key id, model, provider or day (empty for none); name is
                      what the table shows; cost_usd has the same fixed decimals as the table
  --json              One JSON document: { by, since, until, rows, total }, costs in nano-dollars and USD
${formatStorageHelp(22)}
  -h, --help          Show this help
`;

const ISO_PATTERN = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Date.parse rolls 2025-02-30 over to March; a real day survives the round trip. */
function isRealDay(day: string): boolean {
  const epochMs = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(epochMs) && new Date(epochMs).toISOString().startsWith(day);
}

/**
 * A point in time from `--since`/`--until`: a duration back from `now` (`7d`) or an ISO date or date-time
 * (UTC unless it carries an offset). A CliError for anything else, including impossible dates.
 *
 * @example
 * parseTimeOption('--since', '7d', Date.now());
 * parseTimeOption('--since', '2025-06-01', Date.now()); // 2025-06-01T00:00:00Z
 */
export function parseTimeOption(option: string, text: string, now: number): number {
  if (/^\d+[mhdw]$/.test(text)) return now - parseDuration(text);
  const match = ISO_PATTERN.exec(text);
  const local = match?.[2] !== undefined && match[5] === undefined;
  const epochMs =
    match?.[1] !== undefined && isRealDay(match[1]) ? Date.parse(local ? `${text}Z` : text) : Number.NaN;
  if (!Number.isFinite(epochMs))
    throw new CliError(
      `usage: ${option} must be a duration like 7d or an ISO date like 2025-06-01, got '${text}'`,
    );
  return epochMs;
}

function parseUsageArgs(args: string[]) {
  return parseCommandArgs('usage', args, {
    ...STORAGE_ARG_OPTIONS,
    by: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    team: { type: 'string' },
    key: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string' },
    csv: { type: 'boolean' },
    json: { type: 'boolean' },
  });
}

type Values = ReturnType<typeof parseUsageArgs>['values'];

/** A team for a report: a live one by name or id, else any team ever (deleted teams keep their usage). */
async function resolveReportTeam(storage: Storage, nameOrId: string): Promise<string> {
  try {
    return (await findTeam(storage, nameOrId)).id;
  } catch (error: unknown) {
    if (!(error instanceof CliError)) throw error;
    const all = await storage.teams.listUpdatedSince(Number.NEGATIVE_INFINITY);
    const match = all.reverse().find((team) => team.id === nameOrId || team.name === nameOrId);
    if (match === undefined) throw error;
    return match.id;
  }
}

/** Every key id the option means: an id as is, a name as every key that has had it. */
async function resolveReportKeys(storage: Storage, nameOrId: string): Promise<string[]> {
  const byId = await storage.keys.findById(nameOrId);
  if (byId !== undefined) return [byId.id];
  const named = (await storage.keys.list()).filter((key) => key.name === nameOrId).map((key) => key.id);
  if (named.length === 0) throw new CliError(`no key named or with id '${nameOrId}'`, 1);
  return named;
}

function parseRange(values: Values, now: number) {
  const since = values.since === undefined ? undefined : parseTimeOption('--since', values.since, now);
  const until = values.until === undefined ? undefined : parseTimeOption('--until', values.until, now);
  if (since !== undefined && until !== undefined && since >= until)
    throw new CliError(`usage: --since (${values.since}) must be before --until (${values.until})`);
  return { since, until };
}

function parseGrouping(text: string | undefined): UsageGroupBy {
  const by = GROUPINGS.find((grouping) => grouping === (text ?? 'team'));
  if (by === undefined) throw new CliError(`usage: --by must be ${GROUPINGS.join(', ')}; got '${text}'`);
  return by;
}

async function summarize(storage: Storage, values: Values, query: UsageSummaryQuery) {
  if (values.team !== undefined) query.teamId = await resolveReportTeam(storage, values.team);
  if (values.model !== undefined) query.model = values.model;
  if (values.provider !== undefined) query.provider = values.provider;
  const keyIds = values.key === undefined ? undefined : await resolveReportKeys(storage, values.key);
  if (keyIds === undefined) return storage.usage.summarize(query);
  const summaries: UsageSummaryRow[][] = [];
  for (const keyId of keyIds) summaries.push(await storage.usage.summarize({ ...query, keyId }));
  return mergeUsageSummaries(summaries);
}

/**
 * `converge usage`: requests, tokens and cost per team, key, model, provider or day, as a table with
 * cost-share bars and an exact TOTAL, or as CSV or JSON.
 *
 * @example
 * await runUsageCommand(['--by', 'model', '--since', '7d', '--team', 'search']);
 */
export async function runUsageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseUsageArgs(args);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`usage: unexpected argument '${positionals[0]}'`);
  if (values.csv === true && values.json === true)
    throw new CliError('usage: give --csv or --json, not both');
  const now = Date.now();
  const by = parseGrouping(values.by);
  const range = parseRange(values, now);
  const { storage } = await openCliStorage(values);
  try {
    const query: UsageSummaryQuery = { by };
    if (range.since !== undefined) query.since = range.since;
    if (range.until !== undefined) query.until = range.until;
    const summary = await summarize(storage, values, query);
    const report = buildUsageReport(by, summary, await loadTeamNames(storage));
    if (values.csv === true) process.stdout.write(formatUsageCsv(report));
    else if (values.json === true)
      process.stdout.write(
        formatUsageJson(report, { since: range.since ?? null, until: range.until ?? null }),
      );
    else {
      const from = range.since === undefined ? 'the beginning' : `${formatTimestamp(range.since)} UTC`;
      const to = range.until === undefined ? 'now' : `${formatTimestamp(range.until)} UTC`;
      process.stdout.write(`Usage by ${by}, from ${from} to ${to}\n\n${formatUsageTable(report)}`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
