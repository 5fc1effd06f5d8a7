import { ACCESS_KEY_ID_PATTERN } from '../security/generate-aws-key-pair.js';
import type { AwsKeyPairRecord, VirtualKeyRecord } from '../storage/types.js';
import { CliError, formatTable } from './cli-support.js';
import { addAwsKeyAction, createKeyAction } from './create-key-action.js';
import { formatTimestamp } from './describe-policy.js';
import { acceptOnlyOptions, findTeam, loadTeamNames } from './find-records.js';
import { formatStorageHelp, openCliStorage } from './open-cli-storage.js';
import { type KeysContext, parseKeysArgs } from './parse-keys-args.js';
import { POLICY_ARG_HELP, POLICY_UPDATE_HELP } from './policy-options.js';
import { DEFAULT_ROTATION_OVERLAP, rotateKeyAction } from './rotate-key-action.js';
import { type ActionSpec, selectAction } from './select-action.js';
import { updateKeyAction } from './update-key-action.js';

const HELP = `Usage: converge keys <create|add-aws|list|rotate|update|revoke> [options]

Manages virtual keys in the gateway's store. Secrets are stored as SHA-256 hashes and shown once.
A running gateway picks up new keys at once and revocations within storage.refreshIntervalMs (2 s).

  converge keys create --name <name> [--team <t>] [--user <u>] [--role <role>] [policy options]
                       [--allow-route-override] [--expires-in 30d] [--aws] [--json]
  converge keys add-aws <name-or-id> [--json]
  converge keys list [--team <name-or-id>] [--json]
  converge keys rotate <name-or-id> [--overlap ${DEFAULT_ROTATION_OVERLAP}] [--expires-in 30d] [--json]
  converge keys update <name-or-id> [--name <new>] [--role <role>] [policy/clear options]
                       [--allow-route-override|--deny-route-override] [--expires-in 30d|--never-expires]
  converge keys revoke <name-or-id-or-access-key-id>

A key in a team gets the intersection of its own policy and the team's. A key issued to a --user
defaults to the user's team and never gets a higher --role than the user (admin > team-admin >
member; member, the default, has no admin API rights). A key's team and user are fixed.

Rotation issues a new secret for the same key (same name, team, user, role and policy) and prints it
once; the old secret keeps working until the overlap ends (state rotating-out in keys list). The new
key keeps the old one's expiry unless --expires-in sets a new one. AWS key pairs stay bound to the
old key: issue new ones with add-aws. Keys declared in the config file are changed there, not here.

AWS key pairs (--aws, add-aws) let AWS SDKs call the Bedrock dialect with SigV4: the access key id
and secret access key act as the virtual key (same models, expiry and revocation). The secret access
key is stored encrypted with the master key (CONVERGE_MASTER_KEY, else <data-dir>/master.key,
created on first use); see docs/security.md. The virtual key's secret also works as a Bedrock API
key (AWS_BEARER_TOKEN_BEDROCK). Revoking an access key id revokes only that pair.

Policy options (create, update):
${POLICY_ARG_HELP}

Update only:
${POLICY_UPDATE_HELP}

Options:
  --name <name>            Key name, unique among live keys (on update: rename)
  --team <name-or-id>      Team of the key (create), or the team to list (list)
  --user <email-or-id>     User the key is issued to (create)
  --role <role>            admin, team-admin or member (default member)
  --allow-route-override   May steer routing per request (x-converge-route, x-converge-max-cost-usd)
  --deny-route-override    Update: withdraw that right
  --expires-in <dur>       Lifetime such as 12h, 30d, 52w
  --never-expires          Update: remove the expiry
  --overlap <dur>          Rotate: how long the old secret keeps working (default ${DEFAULT_ROTATION_OVERLAP}; 0m ends it now)
  --aws                    Also issue an AWS access key pair for the key (create)
${formatStorageHelp(27)}
  --json                   Machine-readable output
  -h, --help               Show this help
`;

/** active, expired, revoked, or rotating-out (replaced by a rotation, still working until its expiry). */
export function describeKeyState(key: VirtualKeyRecord, now: number): string {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return key.replacedBy === null ? 'active' : 'rotating-out';
}

function describe(
  key: VirtualKeyRecord,
  pairs: readonly AwsKeyPairRecord[],
  teamNames: ReadonlyMap<string, string>,
  now: number,
): string[] {
  const liveIds = pairs.filter((pair) => pair.revokedAt === null).map((pair) => pair.accessKeyId);
  return [
    key.name,
    `${key.prefix}…`,
    describeKeyState(key, now),
    key.models?.join(',') ?? 'all',
    liveIds.length === 0 ? '-' : liveIds.join(','),
    key.teamId === null ? '-' : (teamNames.get(key.teamId) ?? key.teamId),
    key.role,
    formatTimestamp(key.createdAt),
    formatTimestamp(key.expiresAt),
    key.id,
  ];
}

async function listKeys(context: KeysContext): Promise<number> {
  const { storage, values } = context;
  acceptOnlyOptions('keys list', values, ['team']);
  const team = values.team === undefined ? undefined : await findTeam(storage, values.team);
  const keys = (await storage.keys.list()).filter((key) => team === undefined || key.teamId === team.id);
  const pairs = await storage.awsKeyPairs.list();
  const pairsOf = (key: VirtualKeyRecord) => pairs.filter((pair) => pair.keyId === key.id);
  if (values.json === true) {
    const listed = keys.map((key) => ({
      ...key,
      hash: undefined,
      state: describeKeyState(key, context.now),
      awsAccessKeyIds: pairsOf(key)
        .filter((pair) => pair.revokedAt === null)
        .map((pair) => pair.accessKeyId),
    }));
    process.stdout.write(`${JSON.stringify(listed)}\n`);
    return 0;
  }
  const teamNames = await loadTeamNames(storage);
  const headers = [
    'NAME',
    'PREFIX',
    'STATE',
    'MODELS',
    'AWS ACCESS KEY',
    'TEAM',
    'ROLE',
    'CREATED (UTC)',
    'EXPIRES (UTC)',
    'ID',
  ];
  const rows = keys.map((key) => describe(key, pairsOf(key), teamNames, context.now));
  process.stdout.write(formatTable(headers, rows));
  return 0;
}

/** Revokes a key and the keys it replaced by rotation that still work, so revoking a name ends every secret. */
async function revokeKeyChain(context: KeysContext, target: string): Promise<number | undefined> {
  const { storage, now } = context;
  const byId = await storage.keys.findById(target);
  const key = byId?.revokedAt === null ? byId : await storage.keys.findByName(target);
  if (key === undefined || key.revokedAt !== null || !(await storage.keys.revoke(key.id, now)))
    return undefined;
  const keys = await storage.keys.list();
  let revokedEarlier = 0;
  let replacing = key.id;
  // Bounded by the key count, so a corrupt chain cannot loop forever.
  for (let step = 0; step < keys.length; step++) {
    const earlier = keys.find((each) => each.replacedBy === replacing && each.revokedAt === null);
    if (earlier === undefined) break;
    if (earlier.expiresAt === null || earlier.expiresAt > now) {
      await storage.keys.revoke(earlier.id, now);
      revokedEarlier++;
    }
    replacing = earlier.id;
  }
  return revokedEarlier;
}

async function revokeKey(context: KeysContext, target: string): Promise<number> {
  acceptOnlyOptions('keys revoke', context.values, []);
  if (ACCESS_KEY_ID_PATTERN.test(target)) {
    if (!(await context.storage.awsKeyPairs.revoke(target, context.now)))
      throw new CliError(`no live key named or with id '${target}'`, 1);
    process.stdout.write(`Revoked '${target}'.\n`);
    return 0;
  }
  const revokedEarlier = await revokeKeyChain(context, target);
  if (revokedEarlier === undefined) throw new CliError(`no live key named or with id '${target}'`, 1);
  const earlier =
    revokedEarlier === 0 ? '' : ` (and ${revokedEarlier} earlier secret(s) still in rotation overlap)`;
  process.stdout.write(`Revoked '${target}'${earlier}.\n`);
  return 0;
}

const ACTIONS = new Map<string, ActionSpec<KeysContext>>([
  ['create', { run: createKeyAction }],
  ['add-aws', { run: addAwsKeyAction, target: 'the key name or id' }],
  ['list', { run: listKeys }],
  ['rotate', { run: rotateKeyAction, target: 'the key name or id' }],
  ['update', { run: updateKeyAction, target: 'the key name or id' }],
  ['revoke', { run: revokeKey, target: 'the key name or id' }],
]);

/**
 * `converge keys`: issue, list, rotate, update and revoke virtual keys (and their AWS key pairs).
 *
 * @example
 * await runKeysCommand(['create', '--name', 'ci-bot', '--team', 'search', '--rpm', '60']);
 */
export async function runKeysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseKeysArgs(args);
  if (values.help === true || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help === true ? 0 : 2;
  }
  const { action, target } = selectAction('keys', ACTIONS, positionals);
  const { storage, dataDir } = await openCliStorage(values);
  try {
    return await action.run({ storage, dataDir, values, now: Date.now() }, target);
  } finally {
    await storage.close();
  }
}
