import { loadConfigFile } from '../config/load-config.js';
import { hashKey } from '../pipeline/auth/key-resolver.js';
import {
  ACCESS_KEY_ID_PATTERN,
  type AwsKeyPair,
  generateAwsKeyPair,
} from '../security/generate-aws-key-pair.js';
import { loadMasterKey, MasterKeyError } from '../security/master-key.js';
import { createSecretBox } from '../security/secret-box.js';
import { generateKeySecret, keyPrefix } from '../server/start-gateway.js';
import { openStorage, type Storage } from '../storage/open-storage.js';
import { type AwsKeyPairRecord, DuplicateKeyError, type VirtualKeyRecord } from '../storage/types.js';
import { CliError, formatTable, parseCommandArgs } from './cli-support.js';

const HELP = `Usage: converge keys <create|add-aws|list|revoke> [options]

Manages virtual keys in the gateway's store. Secrets are stored as SHA-256 hashes and shown once.
A running gateway picks up a revocation within 30 seconds (its key cache lifetime).

  converge keys create --name <name> [--models gpt-4o,o3-mini] [--expires-in 30d] [--aws] [--json]
  converge keys add-aws <name-or-id> [--json]
  converge keys list [--json]
  converge keys revoke <name-or-id-or-access-key-id>

AWS key pairs (--aws, add-aws) let AWS SDKs call the Bedrock dialect with SigV4: the access key id
and secret access key act as the virtual key (same models, expiry and revocation). The secret access
key is stored encrypted with the master key (CONVERGE_MASTER_KEY, else <data-dir>/master.key,
created on first use); see docs/security.md. The virtual key's secret also works as a Bedrock API
key (AWS_BEARER_TOKEN_BEDROCK). Revoking an access key id revokes only that pair.

Options:
  --data-dir <path>   Store location (default ./.converge, or storage.dataDir from --config)
  --config <path>     Read the store location from a config file
  --name <name>       Key name, unique among live keys
  --models <list>     Comma-separated public model names the key may use (default: all)
  --expires-in <dur>  Lifetime such as 12h, 30d, 52w
  --aws               Also issue an AWS access key pair for the key
  --json              Machine-readable output
  -h, --help          Show this help
`;

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : DURATION_UNITS[match[2]];
  if (match === null || unit === undefined)
    throw new CliError(`invalid duration '${text}' (use e.g. 12h, 30d, 52w)`);
  return Number(match[1]) * unit;
}

type Values = ReturnType<typeof parseKeysArgs>['values'];

interface KeysContext {
  storage: Storage;
  dataDir: string;
  values: Values;
  now: number;
}

function parseKeysArgs(args: string[]) {
  return parseCommandArgs('keys', args, {
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    name: { type: 'string' },
    models: { type: 'string' },
    'expires-in': { type: 'string' },
    aws: { type: 'boolean' },
    json: { type: 'boolean' },
  });
}

function describe(record: VirtualKeyRecord, pairs: readonly AwsKeyPairRecord[], now: number): string[] {
  const state =
    record.revokedAt !== null
      ? 'revoked'
      : record.expiresAt !== null && record.expiresAt <= now
        ? 'expired'
        : 'active';
  const liveIds = pairs.filter((pair) => pair.revokedAt === null).map((pair) => pair.accessKeyId);
  return [
    record.name,
    `${record.prefix}…`,
    state,
    record.models?.join(',') ?? 'all',
    liveIds.length === 0 ? '-' : liveIds.join(','),
    new Date(record.createdAt).toISOString().slice(0, 19).replace('T', ' '),
    record.expiresAt === null ? '-' : new Date(record.expiresAt).toISOString().slice(0, 10),
    record.id,
  ];
}

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

async function createKey(context: KeysContext): Promise<number> {
  const { values, storage, now } = context;
  if (typeof values.name !== 'string' || values.name === '')
    throw new CliError('keys create: --name is required');
  const secret = generateKeySecret();
  const models =
    typeof values.models === 'string'
      ? values.models
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
      : null;
  const expiresIn =
    typeof values['expires-in'] === 'string' ? parseDuration(values['expires-in']) : undefined;
  const record = await storage.keys
    .insert({
      name: values.name,
      hash: hashKey(secret),
      prefix: keyPrefix(secret),
      models,
      expiresAt: expiresIn === undefined ? null : now + expiresIn,
      source: 'issued',
    })
    .catch((error: unknown) => {
      if (error instanceof DuplicateKeyError)
        throw new CliError(`a live key named '${values.name}' already exists`, 1);
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

async function addAwsKeyPair(context: KeysContext, target: string | undefined): Promise<number> {
  if (target === undefined) throw new CliError('keys add-aws: give the key name or id');
  const { keys } = context.storage;
  const record = (await keys.findById(target)) ?? (await keys.findByName(target));
  if (record === undefined || record.revokedAt !== null)
    throw new CliError(`no live key named or with id '${target}'`, 1);
  const aws = await issueAwsKeyPair(context, record.id);
  if (context.values.json === true) process.stdout.write(`${JSON.stringify({ keyId: record.id, aws })}\n`);
  else {
    process.stdout.write(`Issued an AWS key pair for '${record.name}' (${record.id}).\n`);
    printAwsKeyPair(aws);
  }
  return 0;
}

async function listKeys(context: KeysContext): Promise<number> {
  const keys = await context.storage.keys.list();
  const pairs = await context.storage.awsKeyPairs.list();
  const pairsOf = (key: VirtualKeyRecord) => pairs.filter((pair) => pair.keyId === key.id);
  if (context.values.json === true) {
    const listed = keys.map((key) => ({
      ...key,
      hash: undefined,
      awsAccessKeyIds: pairsOf(key)
        .filter((pair) => pair.revokedAt === null)
        .map((pair) => pair.accessKeyId),
    }));
    process.stdout.write(`${JSON.stringify(listed)}\n`);
    return 0;
  }
  const headers = ['NAME', 'PREFIX', 'STATE', 'MODELS', 'AWS ACCESS KEY', 'CREATED (UTC)', 'EXPIRES', 'ID'];
  process.stdout.write(
    formatTable(
      headers,
      keys.map((key) => describe(key, pairsOf(key), context.now)),
    ),
  );
  return 0;
}

async function revokeKey(context: KeysContext, target: string | undefined): Promise<number> {
  if (target === undefined) throw new CliError('keys revoke: give the key name or id');
  const { storage, now } = context;
  const revoked = ACCESS_KEY_ID_PATTERN.test(target)
    ? await storage.awsKeyPairs.revoke(target, now)
    : await storage.keys.revoke(target, now);
  if (!revoked) throw new CliError(`no live key named or with id '${target}'`, 1);
  process.stdout.write(`Revoked '${target}'.\n`);
  return 0;
}

export async function runKeysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseKeysArgs(args);
  const [action, target] = positionals;
  if (values.help === true || action === undefined) {
    process.stdout.write(HELP);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  let dataDir = values['data-dir'] as string | undefined;
  if (dataDir === undefined && typeof values.config === 'string')
    dataDir = (await loadConfigFile(values.config)).storage.dataDir;
  dataDir ??= './.converge';
  const storage = await openStorage({ type: 'sqlite', dataDir });
  try {
    const context: KeysContext = { storage, dataDir, values, now: Date.now() };
    if (action === 'create') return await createKey(context);
    if (action === 'add-aws') return await addAwsKeyPair(context, target);
    if (action === 'list') return await listKeys(context);
    if (action === 'revoke') return await revokeKey(context, target);
    throw new CliError(`keys: unknown action '${action}' (create, add-aws, list, revoke)`);
  } finally {
    await storage.close();
  }
}
