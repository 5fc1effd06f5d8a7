import type { Storage } from '../storage/open-storage.js';
import type { UserRecord } from '../storage/types.js';
import { CliError, formatTable, parseCommandArgs } from './cli-support.js';
import { formatTimestamp } from './describe-policy.js';
import { acceptOnlyOptions, findTeam, findUser, translateStoreErrors } from './find-records.js';
import { formatStorageHelp, openCliStorage, STORAGE_ARG_OPTIONS } from './open-cli-storage.js';
import { parseRole } from './parse-role.js';
import { type ActionSpec, selectAction } from './select-action.js';

const HELP = `Usage: converge users <create|list|delete> [options]

Manages the people keys are issued to. Roles govern the admin API: admin (everything, belongs to
no team), team-admin (their team's keys and usage), member (no admin rights; the default).

  converge users create --email <email> [--name <display name>] [--team <name-or-id>] [--role <role>] [--json]
  converge users list [--team <name-or-id>] [--json]
  converge users delete <email-or-id>          # also revokes the keys issued to the user

Options:
  --email <email>     The user's email, unique among live users (case-insensitive)
  --name <name>       Display name
  --team <team>       Team name or id; required for team-admin and member, refused for admin
  --role <role>       admin, team-admin or member (default member)
${formatStorageHelp(22)}
  --json              Machine-readable output
  -h, --help          Show this help
`;

function parseUsersArgs(args: string[]) {
  return parseCommandArgs('users', args, {
    ...STORAGE_ARG_OPTIONS,
    email: { type: 'string' },
    name: { type: 'string' },
    team: { type: 'string' },
    role: { type: 'string' },
    json: { type: 'boolean' },
  });
}

type Values = ReturnType<typeof parseUsersArgs>['values'];

interface UsersContext {
  storage: Storage;
  values: Values;
}

/** Loose on purpose: the store decides uniqueness; this only catches obvious typos like a missing @. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

async function createUser(context: UsersContext): Promise<number> {
  const { values, storage } = context;
  acceptOnlyOptions('users create', values, ['email', 'name', 'team', 'role']);
  const email = values.email?.trim();
  if (email === undefined || email === '') throw new CliError('users create: --email is required');
  if (!EMAIL_PATTERN.test(email)) throw new CliError(`users create: '${email}' is not an email address`);
  const role = parseRole('users create', values.role ?? 'member');
  if (role === 'admin' && values.team !== undefined)
    throw new CliError('users create: admins belong to no team; drop --team or pick another --role');
  if (role !== 'admin' && values.team === undefined)
    throw new CliError(`users create: a ${role} belongs to a team; give --team <name-or-id>`);
  const team = values.team === undefined ? undefined : await findTeam(storage, values.team);
  const displayName = values.name?.trim() || null;
  const user = await translateStoreErrors(() =>
    storage.users.insert({ email, displayName, teamId: team?.id ?? null, role }),
  );
  if (values.json === true) process.stdout.write(`${JSON.stringify(user)}\n`);
  else
    process.stdout.write(
      `Created ${role} '${user.email}' (${user.id})${team === undefined ? '' : ` in team '${team.name}'`}.\n`,
    );
  return 0;
}

async function listUsers(context: UsersContext): Promise<number> {
  const { values, storage } = context;
  acceptOnlyOptions('users list', values, ['team']);
  const team = values.team === undefined ? undefined : await findTeam(storage, values.team);
  const users = await storage.users.list(team === undefined ? {} : { teamId: team.id });
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(users)}\n`);
    return 0;
  }
  const teamNames = new Map((await storage.teams.list()).map((live) => [live.id, live.name]));
  const describe = (user: UserRecord) => [
    user.email,
    user.displayName ?? '-',
    user.role,
    user.teamId === null ? '-' : (teamNames.get(user.teamId) ?? user.teamId),
    formatTimestamp(user.createdAt),
    user.id,
  ];
  const headers = ['EMAIL', 'NAME', 'ROLE', 'TEAM', 'CREATED (UTC)', 'ID'];
  process.stdout.write(formatTable(headers, users.map(describe)));
  return 0;
}

async function deleteUser(context: UsersContext, target: string): Promise<number> {
  acceptOnlyOptions('users delete', context.values, []);
  const { storage } = context;
  const user = await findUser(storage, target);
  if (!(await storage.users.delete(user.id))) throw new CliError(`no user with email or id '${target}'`, 1);
  // As the admin API does: a deleted user's keys stop working with them.
  const keys = (await storage.keys.list()).filter((key) => key.userId === user.id && key.revokedAt === null);
  for (const key of keys) await storage.keys.revoke(key.id);
  if (context.values.json === true) {
    process.stdout.write(`${JSON.stringify({ deleted: user.id, revokedKeys: keys.map((key) => key.id) })}\n`);
  } else {
    const names = keys.map((key) => `'${key.name}'`).join(', ');
    const note = keys.length === 0 ? '' : ` Revoked their keys: ${names}.`;
    process.stdout.write(`Deleted user '${user.email}' (${user.id}).${note}\n`);
  }
  return 0;
}

const ACTIONS = new Map<string, ActionSpec<UsersContext>>([
  ['create', { run: createUser }],
  ['list', { run: listUsers }],
  ['delete', { run: deleteUser, target: 'the user email or id' }],
]);

/**
 * `converge users`: create, list and delete users in the gateway's store.
 *
 * @example
 * await runUsersCommand(['create', '--email', 'ada@example.com', '--team', 'search', '--role', 'team-admin']);
 */
export async function runUsersCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseUsersArgs(args);
  if (values.help === true || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help === true ? 0 : 2;
  }
  const { action, target } = selectAction('users', ACTIONS, positionals);
  const { storage } = await openCliStorage(values);
  try {
    return await action.run({ storage, values }, target);
  } finally {
    await storage.close();
  }
}
