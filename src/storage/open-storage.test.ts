import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from './open-storage.js';
import { UnknownKeyError } from './types.js';
import { makeUsageRow } from './usage-store.conformance.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'converge-storage-'));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

describe('openStorage', () => {
  it('keeps SQLite data in <dataDir>/converge.db across openings', async () => {
    const dataDir = join(tempRoot, 'data');
    const first = await openStorage({ type: 'sqlite', dataDir });
    const team = await first.teams.insert({ name: 'search' });
    const user = await first.users.insert({ email: 'ada@example.com', teamId: team.id, role: 'member' });
    const key = await first.keys.insert({
      name: 'ci',
      hash: 'b'.repeat(64),
      prefix: 'sk-cvg-ci',
      source: 'issued',
      teamId: team.id,
      userId: user.id,
    });
    await first.awsKeyPairs.insert({
      accessKeyId: 'CVGAAAAAAAAAAAAAAAA1',
      keyId: key.id,
      sealedSecret: 'v1.x',
    });
    await first.usage.insertMany([makeUsageRow()]);
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(join(dataDir, 'converge.db'))).toBe(true);

    const second = await openStorage({ type: 'sqlite', dataDir });
    expect(await second.keys.list()).toEqual([key]);
    expect(await second.teams.list()).toEqual([team]);
    expect(await second.users.list({ teamId: team.id })).toEqual([user]);
    expect((await second.awsKeyPairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA1'))?.keyId).toBe(key.id);
    expect(await second.usage.count()).toBe(1);
    await second.close();
    await expect(second.keys.list()).rejects.toThrow(/not open/);
  });

  it('opens fresh, independent memory stores; users are checked against the same teams', async () => {
    const first = await openStorage({ type: 'memory' });
    const second = await openStorage({ type: 'memory' });
    await first.usage.insertMany([makeUsageRow()]);
    expect(await first.usage.count()).toBe(1);
    expect(await second.usage.count()).toBe(0);
    const team = await first.teams.insert({ name: 'search' });
    await first.users.insert({ email: 'ada@example.com', teamId: team.id, role: 'member' });
    await expect(
      second.users.insert({ email: 'ada@example.com', teamId: team.id, role: 'member' }),
    ).rejects.toThrow(UnknownKeyError);
    await first.close();
    await second.close();
  });
});
