import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/open-storage.js';
import { createTestPostgresSchema } from '../storage/postgres/test-postgres.js';
import { CliError } from './cli-support.js';
import { openCliStorage } from './open-cli-storage.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories } from './test-support/capture-cli-output.js';

const directories = createTemporaryDirectories('converge-open-cli-storage-');
afterAll(directories.cleanup);

function writeConfig(directory: string, storage: string): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, 'converge.yaml');
  writeFileSync(path, `storage:\n${storage}`);
  return path;
}

async function teamNames(options: Parameters<typeof openStorage>[0]): Promise<string[]> {
  const storage = await openStorage(options);
  try {
    return (await storage.teams.list()).map((team) => team.name);
  } finally {
    await storage.close();
  }
}

describe('openCliStorage', () => {
  it('opens SQLite in --data-dir, in the config dataDir, and lets --data-dir override the config', async () => {
    const explicit = directories.next();
    const configured = directories.next();
    const config = writeConfig(
      directories.next(),
      `  type: sqlite\n  dataDir: ${JSON.stringify(configured)}\n`,
    );
    await captureCliOutput(() => runTeamsCommand(['create', '--name', 'explicit', '--data-dir', explicit]));
    await captureCliOutput(() => runTeamsCommand(['create', '--name', 'configured', '--config', config]));
    const both = await openCliStorage({ config, 'data-dir': explicit });
    expect(both.dataDir).toBe(explicit);
    await both.storage.close();
    expect(await teamNames({ type: 'sqlite', dataDir: explicit })).toEqual(['explicit']);
    expect(await teamNames({ type: 'sqlite', dataDir: configured })).toEqual(['configured']);
  });

  it('opens PostgreSQL at storage.url (and storage.schema) when the config says postgres', async () => {
    const target = createTestPostgresSchema();
    try {
      const config = writeConfig(
        directories.next(),
        `  type: postgres\n  url: ${target.url}\n  schema: ${target.schema}\n`,
      );
      await captureCliOutput(() => runTeamsCommand(['create', '--name', 'in-postgres', '--config', config]));
      expect(await teamNames({ type: 'postgres', url: target.url, schema: target.schema })).toEqual([
        'in-postgres',
      ]);
    } finally {
      await target.drop();
    }
  });

  it('turns config problems into CliErrors with the start command exit codes', async () => {
    const directory = directories.next();
    await expect(openCliStorage({ config: join(directory, 'missing.yaml') })).rejects.toMatchObject({
      exitCode: 66,
      message: expect.stringContaining('config file not found'),
    });
    const noUrl = writeConfig(directory, '  type: postgres\n');
    const error = await openCliStorage({ config: noUrl }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 78, message: expect.stringContaining('storage.url') });
  });
});
