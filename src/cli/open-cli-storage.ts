import { ConfigError, loadConfigFile } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { storageOptionsOf } from '../server/start-gateway.js';
import { openStorage, type Storage, type StorageOptions } from '../storage/open-storage.js';
import { CliError } from './cli-support.js';

/** The parseArgs options every store-backed command accepts (spread into its own options). */
export const STORAGE_ARG_OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

/**
 * The help lines describing `STORAGE_ARG_OPTIONS`, with descriptions starting at `column` to line up
 * with the command's other options.
 *
 * @example
 * const HELP = `Options:\n  --json              Machine-readable output\n${formatStorageHelp(22)}`;
 */
export function formatStorageHelp(column: number): string {
  const option = (name: string, description: string[]) =>
    description.map((line, index) => (index === 0 ? `  ${name}`.padEnd(column) : ' '.repeat(column)) + line);
  return [
    ...option('--data-dir <path>', [
      'Local state: the SQLite store and the master key (default ./.converge,',
      'or storage.dataDir from --config)',
    ]),
    ...option('--config <path>', ["Use the config file's store (SQLite, or PostgreSQL at storage.url)"]),
  ].join('\n');
}

export interface CliStorage {
  storage: Storage;
  /** Local state directory (SQLite file, master key); from --data-dir, else the config, else ./.converge. */
  dataDir: string;
}

/** Reads a config file, turning config problems into CLI errors (exit codes as `converge start`). */
async function readConfig(path: string): Promise<Config> {
  try {
    return await loadConfigFile(path);
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new CliError(error.message, 78);
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new CliError(`config file not found: ${path}`, 66);
    }
    throw error;
  }
}

/**
 * Opens the store a CLI command works on, as `converge start` would: `--config`'s storage section
 * (SQLite, or PostgreSQL with its url and schema) with `--data-dir` overriding its dataDir; with no
 * config, SQLite in `--data-dir` (default ./.converge). The caller closes `storage`.
 *
 * @example
 * const { storage } = await openCliStorage({ 'data-dir': './.converge' });
 * try {
 *   console.log(await storage.teams.list());
 * } finally {
 *   await storage.close();
 * }
 */
export async function openCliStorage(values: { 'data-dir'?: string; config?: string }): Promise<CliStorage> {
  const config = values.config === undefined ? undefined : await readConfig(values.config);
  const dataDir = values['data-dir'] ?? config?.storage.dataDir ?? './.converge';
  const configured = config === undefined ? undefined : storageOptionsOf(config);
  // A CLI runs one query at a time: two connections are plenty, whatever the gateway's pool size.
  const options: StorageOptions =
    configured?.type === 'postgres' ? { ...configured, poolSize: 2 } : { type: 'sqlite', dataDir };
  return { storage: await openStorage(options), dataDir };
}
