import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeUsageRow } from '../storage/make-usage-row.js';
import { openStorage } from '../storage/open-storage.js';
import { createTemporaryDirectories, parseCsv } from './test-support/capture-cli-output.js';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, 'main.ts');
const directories = createTemporaryDirectories('converge-governance-cli-');
afterAll(directories.cleanup);

/** The real CLI: node with tsx's loader running src/cli/main.ts; never rejects. */
async function converge(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error: unknown) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? -1 };
  }
}

describe('converge teams, users, usage (the real CLI)', () => {
  it('prints help for the new commands and lists them in the program help', async () => {
    const [main, teams, users, usage, keys] = await Promise.all([
      converge('--help'),
      converge('teams', '--help'),
      converge('users', '--help'),
      converge('usage', '--help'),
      converge('keys', '--help'),
    ]);
    for (const command of ['teams', 'users', 'usage', 'keys rotate', 'keys update'])
      expect(main.stdout).toContain(command);
    expect(teams.stdout).toContain('converge teams create --name <name>');
    expect(teams.stdout).toContain('--budget-mode <mode>');
    expect(users.stdout).toContain('converge users create --email <email>');
    expect(usage.stdout).toContain('--by <group>');
    expect(usage.stdout).toContain('without the total line');
    expect(keys.stdout).toContain('converge keys rotate <name-or-id> [--overlap 24h]');
    expect([main, teams, users, usage, keys].map((result) => result.code)).toEqual([0, 0, 0, 0, 0]);
  }, 90_000);

  it('creates a team and reports its usage as CSV; a bad option exits 2 with the message', async () => {
    const dataDir = directories.next();
    const created = await converge(
      'teams',
      'create',
      '--name',
      'search, EU',
      '--rpm',
      '60',
      '--json',
      '--data-dir',
      dataDir,
    );
    const team = JSON.parse(created.stdout) as { id: string };
    const storage = await openStorage({ type: 'sqlite', dataDir });
    await storage.usage.insertMany([
      makeUsageRow({ teamId: team.id, costUsd: 0.25 }),
      makeUsageRow({ teamId: team.id, costUsd: 0.5 }),
    ]);
    await storage.close();
    const csv = await converge('usage', '--by', 'team', '--csv', '--data-dir', dataDir);
    expect(parseCsv(csv.stdout)[1]).toEqual([
      team.id,
      'search, EU',
      '2',
      '2',
      '2400',
      '690',
      '2048',
      '14',
      '128',
      '0.75',
    ]);

    const bad = await converge('usage', '--by', 'week', '--data-dir', dataDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("converge: usage: --by must be team, key, model, provider, day; got 'week'\n");
  }, 90_000);
});
