import type { Storage } from '../storage/open-storage.js';
import type { TeamRecord } from '../storage/types.js';
import { CliError, formatTable, parseCommandArgs } from './cli-support.js';
import {
  describeBudget,
  describeLimits,
  describePolicy,
  describeTags,
  formatTimestamp,
} from './describe-policy.js';
import { acceptOnlyOptions, findTeam, isLiveKey, translateStoreErrors } from './find-records.js';
import { formatStorageHelp, openCliStorage, STORAGE_ARG_OPTIONS } from './open-cli-storage.js';
import {
  applyPolicyOptions,
  emptyPolicy,
  POLICY_ARG_HELP,
  POLICY_ARG_OPTIONS,
  POLICY_CREATE_OPTION_NAMES,
  POLICY_OPTION_NAMES,
  POLICY_UPDATE_HELP,
} from './policy-options.js';
import { type ActionSpec, selectAction } from './select-action.js';

const HELP = `Usage: converge teams <create|list|show|update|delete> [options]

Manages teams. A key in a team gets the intersection of its own policy and the team's: models and
residency narrow, and both the key's and the team's rate limits and budgets are enforced.

  converge teams create --name <name> [policy options] [--json]
  converge teams list [--json]
  converge teams show <name-or-id> [--json]
  converge teams update <name-or-id> [--name <new name>] [policy options] [clear options] [--json]
  converge teams delete <name-or-id>

Deleting a team is a soft delete: its keys stop authenticating at once (a running gateway notices
within its refresh interval); its usage rows stay for reports.

Policy options:
${POLICY_ARG_HELP}

Update only:
${POLICY_UPDATE_HELP}

Options:
  --name <name>          Team name, unique among live teams (create; on update: rename)
${formatStorageHelp(25)}
  --json                 Machine-readable output
  -h, --help             Show this help
`;

function parseTeamsArgs(args: string[]) {
  return parseCommandArgs('teams', args, {
    ...STORAGE_ARG_OPTIONS,
    ...POLICY_ARG_OPTIONS,
    name: { type: 'string' },
    json: { type: 'boolean' },
  });
}

type Values = ReturnType<typeof parseTeamsArgs>['values'];

interface TeamsContext {
  storage: Storage;
  values: Values;
}

function printTeam(context: TeamsContext, team: TeamRecord, verb: string): void {
  if (context.values.json === true) process.stdout.write(`${JSON.stringify(team)}\n`);
  else process.stdout.write(`${verb} team '${team.name}' (${team.id}).\n`);
}

async function createTeam(context: TeamsContext): Promise<number> {
  const { values, storage } = context;
  acceptOnlyOptions('teams create', values, ['name', ...POLICY_CREATE_OPTION_NAMES]);
  if (values.name === undefined || values.name.trim() === '')
    throw new CliError('teams create: --name is required');
  const policy = applyPolicyOptions('teams create', values, emptyPolicy());
  const team = await translateStoreErrors(() => storage.teams.insert({ name: values.name ?? '', ...policy }));
  printTeam(context, team, 'Created');
  return 0;
}

async function listTeams(context: TeamsContext): Promise<number> {
  acceptOnlyOptions('teams list', context.values, []);
  const teams = await context.storage.teams.list();
  if (context.values.json === true) {
    process.stdout.write(`${JSON.stringify(teams)}\n`);
    return 0;
  }
  const headers = ['NAME', 'MODELS', 'PROCESSING', 'LIMITS', 'BUDGET', 'TAGS', 'CREATED (UTC)', 'ID'];
  const rows = teams.map((team) => [
    team.name,
    ...describePolicy(team),
    formatTimestamp(team.createdAt),
    team.id,
  ]);
  process.stdout.write(formatTable(headers, rows));
  return 0;
}

async function showTeam(context: TeamsContext, target: string): Promise<number> {
  acceptOnlyOptions('teams show', context.values, []);
  const { storage } = context;
  const team = await findTeam(storage, target);
  const keys = (await storage.keys.list()).filter((key) => key.teamId === team.id && isLiveKey(key));
  const users = await storage.users.list({ teamId: team.id });
  if (context.values.json === true) {
    const listedKeys = keys.map((key) => ({ id: key.id, name: key.name, role: key.role }));
    const listedUsers = users.map((user) => ({ id: user.id, email: user.email, role: user.role }));
    process.stdout.write(`${JSON.stringify({ ...team, keys: listedKeys, users: listedUsers })}\n`);
    return 0;
  }
  const lines = [
    ['Team', `${team.name} (${team.id})`],
    ['Models', team.models?.join(', ') ?? 'all'],
    ['Processing', team.processing?.join(', ') ?? 'any'],
    ['Limits', describeLimits(team.limits)],
    ['Budget', describeBudget(team.budget)],
    ['Tags', describeTags(team.tags)],
    ['Created', `${formatTimestamp(team.createdAt)} UTC`],
    ['Keys', keys.length === 0 ? '-' : keys.map((key) => key.name).join(', ')],
    ['Users', users.length === 0 ? '-' : users.map((user) => `${user.email} (${user.role})`).join(', ')],
  ];
  process.stdout.write(lines.map(([label, value]) => `${`${label}:`.padEnd(12)}${value}`).join('\n') + '\n');
  return 0;
}

async function updateTeam(context: TeamsContext, target: string): Promise<number> {
  const { values, storage } = context;
  acceptOnlyOptions('teams update', values, ['name', ...POLICY_OPTION_NAMES]);
  const team = await findTeam(storage, target);
  if (values.name !== undefined && values.name.trim() === '')
    throw new CliError('teams update: --name cannot be empty');
  const policy = applyPolicyOptions('teams update', values, team);
  const patch = values.name === undefined ? policy : { ...policy, name: values.name };
  const updated = await translateStoreErrors(() => storage.teams.update(team.id, patch));
  if (updated === undefined) throw new CliError(`no team named or with id '${target}'`, 1);
  printTeam(context, updated, 'Updated');
  return 0;
}

async function deleteTeam(context: TeamsContext, target: string): Promise<number> {
  acceptOnlyOptions('teams delete', context.values, []);
  const { storage } = context;
  const team = await findTeam(storage, target);
  if (!(await storage.teams.delete(team.id))) throw new CliError(`no team named or with id '${target}'`, 1);
  const keys = (await storage.keys.list()).filter((key) => key.teamId === team.id && isLiveKey(key));
  if (context.values.json === true) process.stdout.write(`${JSON.stringify({ deleted: team.id })}\n`);
  else
    process.stdout.write(
      `Deleted team '${team.name}' (${team.id}); its ${keys.length} live key(s) no longer authenticate.\n`,
    );
  return 0;
}

const ACTIONS = new Map<string, ActionSpec<TeamsContext>>([
  ['create', { run: createTeam }],
  ['list', { run: listTeams }],
  ['show', { run: showTeam, target: 'the team name or id' }],
  ['update', { run: updateTeam, target: 'the team name or id' }],
  ['delete', { run: deleteTeam, target: 'the team name or id' }],
]);

/**
 * `converge teams`: create, list, show, update and delete teams in the gateway's store.
 *
 * @example
 * await runTeamsCommand(['create', '--name', 'search', '--models', 'gpt-4o', '--rpm', '600']);
 */
export async function runTeamsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseTeamsArgs(args);
  if (values.help === true || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help === true ? 0 : 2;
  }
  const { action, target } = selectAction('teams', ACTIONS, positionals);
  const { storage } = await openCliStorage(values);
  try {
    return await action.run({ storage, values }, target);
  } finally {
    await storage.close();
  }
}
