import { loadConfigFile } from '../config/load-config.js';
import { hashKey } from '../pipeline/auth/key-resolver.js';
import { generateKeySecret, keyPrefix } from '../server/start-gateway.js';
import { openStorage } from '../storage/open-storage.js';
import { DuplicateKeyError, type VirtualKeyRecord } from '../storage/types.js';
import { CliError, formatTable, parseCommandArgs } from './cli-support.js';

const HELP = `Usage: converge keys <create|list|revoke> [options]

Manages virtual keys in the gateway's store. Secrets are stored as SHA-256 hashes and shown once.
A running gateway picks up a revocation within 30 seconds (its key cache lifetime).

  converge keys create --name <name> [--models gpt-4o,o3-mini] [--expires-in 30d] [--json]
  converge keys list [--json]
  converge keys revoke <name-or-id>

Options:
  --data-dir <path>   Store location (default ./.converge, or storage.dataDir from --config)
  --config <path>     Read the store location from a config file
  --name <name>       Key name, unique among live keys
  --models <list>     Comma-separated public model names the key may use (default: all)
  --expires-in <dur>  Lifetime such as 12h, 30d, 52w
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

function describe(record: VirtualKeyRecord, now: number): string[] {
  const state =
    record.revokedAt !== null
      ? 'revoked'
      : record.expiresAt !== null && record.expiresAt <= now
        ? 'expired'
        : 'active';
  return [
    record.name,
    `${record.prefix}…`,
    state,
    record.models?.join(',') ?? 'all',
    new Date(record.createdAt).toISOString().slice(0, 19).replace('T', ' '),
    record.expiresAt === null ? '-' : new Date(record.expiresAt).toISOString().slice(0, 10),
    record.id,
  ];
}

export async function runKeysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('keys', args, {
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    name: { type: 'string' },
    models: { type: 'string' },
    'expires-in': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [action, target] = positionals;
  if (values.help === true || action === undefined) {
    process.stdout.write(HELP);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  let dataDir = values['data-dir'] as string | undefined;
  if (dataDir === undefined && typeof values.config === 'string')
    dataDir = (await loadConfigFile(values.config)).storage.dataDir;
  const storage = await openStorage({ type: 'sqlite', dataDir: dataDir ?? './.converge' });
  try {
    const now = Date.now();
    if (action === 'create') {
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
      if (values.json === true)
        process.stdout.write(`${JSON.stringify({ ...record, hash: undefined, secret })}\n`);
      else
        process.stdout.write(
          `Created key '${record.name}' (${record.id}).\nSecret (shown once): ${secret}\n`,
        );
      return 0;
    }
    if (action === 'list') {
      const keys = await storage.keys.list();
      if (values.json === true) {
        process.stdout.write(`${JSON.stringify(keys.map((key) => ({ ...key, hash: undefined })))}\n`);
      } else {
        const headers = ['NAME', 'PREFIX', 'STATE', 'MODELS', 'CREATED (UTC)', 'EXPIRES', 'ID'];
        process.stdout.write(
          formatTable(
            headers,
            keys.map((key) => describe(key, now)),
          ),
        );
      }
      return 0;
    }
    if (action === 'revoke') {
      if (target === undefined) throw new CliError('keys revoke: give the key name or id');
      if (!(await storage.keys.revoke(target, now)))
        throw new CliError(`no live key named or with id '${target}'`, 1);
      process.stdout.write(`Revoked '${target}'.\n`);
      return 0;
    }
    throw new CliError(`keys: unknown action '${action}' (create, list, revoke)`);
  } finally {
    await storage.close();
  }
}
