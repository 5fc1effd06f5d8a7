import { hashKey } from '../pipeline/auth/key-resolver.js';
import { type AwsKeyPair, generateAwsKeyPair } from '../security/generate-aws-key-pair.js';
import { generateKeySecret, keyPrefix } from '../security/generate-key-secret.js';
import { loadMasterKey, MasterKeyError } from '../security/master-key.js';
import { createSecretBox } from '../security/secret-box.js';
import { DuplicateKeyError, UnknownKeyError } from '../storage/types.js';
import { CliError, parseDuration } from './cli-support.js';
import { acceptOnlyOptions, findLiveKey, findTeam, findUser } from './find-records.js';
import type { KeysContext } from './parse-keys-args.js';
import { exceedsRole, parseRole } from './parse-role.js';
import { applyPolicyOptions, emptyPolicy, POLICY_CREATE_OPTION_NAMES } from './policy-options.js';

const CREATE_OPTIONS = [
  'name',
  'expires-in',
  'aws',
  'team',
  'user',
  'role',
  'allow-route-override',
  ...POLICY_CREATE_OPTION_NAMES,
];

/** Issues an AWS key pair for a virtual key; the secret is sealed with the master key (created if needed). */
async function issueAwsKeyPair(context: KeysContext, keyId: string): Promise<AwsKeyPair> {
  let masterKey: Buffer;
  try {
    masterKey = loadMasterKey({ dataDir: context.dataDir, create: true });
  } catch (error: unknown) {
    if (error instanceof MasterKeyError) throw new CliError(error.message, 1);
    throw error;
  }
  const box = createSecretBox(masterKey);
  const pair = generateAwsKeyPair();
  const sealedSecret = box.seal(pair.secretAccessKey, pair.accessKeyId);
  await context.storage.awsKeyPairs.insert({ accessKeyId: pair.accessKeyId, keyId, sealedSecret });
  return pair;
}

function printAwsKeyPair(pair: AwsKeyPair): void {
  process.stdout.write(
    `AWS access key id: ${pair.accessKeyId}\nAWS secret access key (shown once): ${pair.secretAccessKey}\n`,
  );
}

/** The team, user and role of a new key: the user's team is the default, and must match a given --team. */
async function resolveOwnership(context: KeysContext) {
  const { storage, values } = context;
  const role = parseRole('keys create', values.role ?? 'member');
  const user = values.user === undefined ? undefined : await findUser(storage, values.user);
  let team = values.team === undefined ? undefined : await findTeam(storage, values.team);
  if (user !== undefined && user.teamId !== null) {
    if (team !== undefined && team.id !== user.teamId)
      throw new CliError(`keys create: user '${user.email}' belongs to another team than '${team.name}'`);
    team ??= await findTeam(storage, user.teamId);
  }
  if (user !== undefined && exceedsRole(role, user.role))
    throw new CliError(`keys create: a key for ${user.role} '${user.email}' cannot have role ${role}`);
  if (role === 'team-admin' && team === undefined)
    throw new CliError('keys create: a team-admin key needs --team (or a --user in a team)');
  return { role, teamId: team?.id ?? null, userId: user?.id ?? null };
}

/**
 * `converge keys create`: issues a virtual key (optionally in a team, for a user, with limits and an
 * AWS key pair) and prints its secret once.
 *
 * @example
 * await createKeyAction(context); // values: { name: 'ci', team: 'search', rpm: '60' }
 */
export async function createKeyAction(context: KeysContext): Promise<number> {
  const { values, storage, now } = context;
  acceptOnlyOptions('keys create', values, CREATE_OPTIONS);
  if (values.name === undefined || values.name.trim() === '')
    throw new CliError('keys create: --name is required');
  const name = values.name;
  const policy = applyPolicyOptions('keys create', values, emptyPolicy());
  const ownership = await resolveOwnership(context);
  const expiresIn = values['expires-in'] === undefined ? undefined : parseDuration(values['expires-in']);
  const secret = generateKeySecret();
  const record = await storage.keys
    .insert({
      name,
      hash: hashKey(secret),
      prefix: keyPrefix(secret),
      expiresAt: expiresIn === undefined ? null : now + expiresIn,
      source: 'issued',
      allowRouteOverride: values['allow-route-override'] === true,
      ...ownership,
      ...policy,
    })
    .catch((error: unknown) => {
      if (error instanceof DuplicateKeyError)
        throw new CliError(`a live key named '${name}' already exists`, 1);
      if (error instanceof UnknownKeyError) throw new CliError(error.message, 1);
      throw error;
    });
  const aws = values.aws === true ? await issueAwsKeyPair(context, record.id) : undefined;
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ ...record, hash: undefined, secret, aws })}\n`);
    return 0;
  }
  process.stdout.write(`Created key '${record.name}' (${record.id}).\nSecret (shown once): ${secret}\n`);
  if (aws !== undefined) printAwsKeyPair(aws);
  return 0;
}

/**
 * `converge keys add-aws <key>`: issues one more AWS key pair for a live key.
 *
 * @example
 * await addAwsKeyAction(context, 'bedrock-app');
 */
export async function addAwsKeyAction(context: KeysContext, target: string): Promise<number> {
  acceptOnlyOptions('keys add-aws', context.values, []);
  const record = await findLiveKey(context.storage, target);
  const aws = await issueAwsKeyPair(context, record.id);
  if (context.values.json === true) process.stdout.write(`${JSON.stringify({ keyId: record.id, aws })}\n`);
  else {
    process.stdout.write(`Issued an AWS key pair for '${record.name}' (${record.id}).\n`);
    printAwsKeyPair(aws);
  }
  return 0;
}
