import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_ENV = 'CONVERGE_MASTER_KEY';
export const MASTER_KEY_FILE = 'master.key';
const KEY_LENGTH = 32;

/** The master key is missing or unusable; the message says what to fix. */
export class MasterKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MasterKeyError';
  }
}

export interface LoadMasterKeyOptions {
  /** Where `master.key` lives when the environment does not give the key (the storage dataDir). */
  dataDir: string;
  /** Generate `<dataDir>/master.key` when neither source has a key. Only commands that seal secrets do. */
  create: boolean;
  env?: Record<string, string | undefined>;
}

/**
 * Decodes a master key given as 64 hex characters, or base64/base64url of 32 bytes.
 *
 * @example
 * decodeMasterKey(process.env.CONVERGE_MASTER_KEY ?? '', 'CONVERGE_MASTER_KEY');
 */
export function decodeMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const decoded = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  if (decoded?.length !== KEY_LENGTH) {
    throw new MasterKeyError(
      `${source} must hold a ${KEY_LENGTH}-byte key as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return decoded;
}

function readKeyFile(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MasterKeyError(`could not read ${path}`, { cause: error });
  }
  // Anyone who can read the key can open every stored secret; refuse one others can read, as ssh does.
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new MasterKeyError(
      `${path} is accessible by other users (mode ${mode.toString(8)}); run \`chmod 600 ${path}\``,
    );
  }
  return decodeMasterKey(text, path);
}

function createKeyFile(dataDir: string, path: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_LENGTH);
  try {
    // `wx`: two processes racing to create it must not overwrite each other's key.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const existing = readKeyFile(path);
      if (existing !== undefined) return existing;
    }
    throw new MasterKeyError(`could not create ${path}`, { cause: error });
  }
}

/**
 * The 32-byte master key that encrypts stored secrets (gateway-issued AWS secret keys):
 * `CONVERGE_MASTER_KEY` (hex or base64) if set, else `<dataDir>/master.key`, generated once with
 * mode 0600 when `create` is set. See docs/security.md.
 *
 * @example
 * const key = loadMasterKey({ dataDir: './.converge', create: true });
 * const box = createSecretBox(key);
 */
export function loadMasterKey(options: LoadMasterKeyOptions): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeMasterKey(fromEnv, MASTER_KEY_ENV);
  const path = join(options.dataDir, MASTER_KEY_FILE);
  const fromFile = readKeyFile(path);
  if (fromFile !== undefined) return fromFile;
  if (options.create) return createKeyFile(options.dataDir, path);
  throw new MasterKeyError(
    `no master key: set ${MASTER_KEY_ENV} or restore ${path} (the key that sealed the stored AWS secret keys)`,
  );
}
