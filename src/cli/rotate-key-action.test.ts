import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeyResolver, hashKey } from '../pipeline/auth/key-resolver.js';
import { openStorage } from '../storage/open-storage.js';
import type { VirtualKeyRecord } from '../storage/types.js';
import { runKeysCommand } from './keys-command.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories } from './test-support/capture-cli-output.js';

const directories = createTemporaryDirectories('converge-rotate-');
afterAll(directories.cleanup);
let dataDir: string;
const keys = (...args: string[]) => captureCliOutput(() => runKeysCommand([...args, '--data-dir', dataDir]));
type Issued = VirtualKeyRecord & { secret: string };

beforeEach(async () => {
  dataDir = directories.next();
  await captureCliOutput(() => runTeamsCommand(['create', '--name', 'search', '--data-dir', dataDir]));
});

/** Which of the secrets a gateway on this data dir accepts at `at` (a fresh resolver: no cache). */
async function accepted(secrets: string[], at: number): Promise<boolean[]> {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  const resolver = createKeyResolver(storage.keys, { teams: storage.teams, clock: () => at });
  try {
    return await Promise.all(secrets.map(async (secret) => (await resolver.resolve(secret)) !== undefined));
  } finally {
    resolver.close();
    await storage.close();
  }
}

describe('converge keys rotate', () => {
  it('issues a new secret; both hashes resolve during the overlap, only the new one after', async () => {
    const old = JSON.parse(
      await keys(
        'create',
        '--name',
        'ci',
        '--team',
        'search',
        '--rpm',
        '60',
        '--expires-in',
        '30d',
        '--json',
      ),
    ) as Issued;
    const printed = await keys('rotate', 'ci', '--overlap', '2h');
    const secret = /Secret \(shown once\): (sk-cvg-\S+)/.exec(printed)?.[1] ?? '';
    expect(secret).toMatch(/^sk-cvg-/);
    expect(secret).not.toBe(old.secret);
    expect(printed).toMatch(
      /The old secret \(sk-cvg-\S+…\) keeps working until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
    );

    const storage = await openStorage({ type: 'sqlite', dataDir });
    const before = await storage.keys.findByHash(hashKey(old.secret));
    const after = await storage.keys.findByHash(hashKey(secret));
    await storage.close();
    expect(after).toMatchObject({ name: 'ci', teamId: old.teamId, limits: { rpm: 60 }, replacedBy: null });
    expect(before).toMatchObject({ id: old.id, replacedBy: after?.id, revokedAt: null });
    const overlapEnd = before?.expiresAt ?? 0;
    const rotatedAt = after?.createdAt ?? 0;
    expect(overlapEnd - rotatedAt).toBe(2 * 3_600_000);
    // Rotation changes the secret, not the lifetime: the new key expires when the old one would have.
    expect(after?.expiresAt).toBe(old.expiresAt);

    expect(await accepted([old.secret, secret], overlapEnd - 1)).toEqual([true, true]);
    expect(await accepted([old.secret, secret], overlapEnd)).toEqual([false, true]);

    const listed = await keys('list');
    expect(listed).toMatch(new RegExp(`ci\\s+${old.prefix}…\\s+rotating-out\\s+all\\s+-\\s+search`));
    expect(listed).toMatch(new RegExp(`ci\\s+${after?.prefix}…\\s+active\\s+all\\s+-\\s+search`));
  });

  it('rotates again and by id; revoking the name ends every secret still in its overlap', async () => {
    const first = JSON.parse(await keys('create', '--name', 'svc', '--json')) as Issued;
    const second = JSON.parse(await keys('rotate', first.id, '--json')) as Issued & { old: { id: string } };
    expect(second.old.id).toBe(first.id);
    const third = JSON.parse(await keys('rotate', 'svc', '--overlap', '1h', '--json')) as Issued;
    const now = Date.now();
    expect(await accepted([first.secret, second.secret, third.secret], now)).toEqual([true, true, true]);
    expect(await keys('revoke', 'svc')).toContain(
      "Revoked 'svc' (and 2 earlier secret(s) still in rotation overlap)",
    );
    expect(await accepted([first.secret, second.secret, third.secret], Date.now())).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('with --overlap 0m the old secret stops at once', async () => {
    const old = JSON.parse(await keys('create', '--name', 'now', '--json')) as Issued;
    const next = JSON.parse(await keys('rotate', 'now', '--overlap', '0m', '--json')) as Issued;
    expect(await accepted([old.secret, next.secret], Date.now())).toEqual([false, true]);
  });

  it('sets a new expiry with --expires-in; refuses expired keys and keys declared in config', async () => {
    await keys('create', '--name', 'renew', '--expires-in', '1d');
    const renewed = JSON.parse(await keys('rotate', 'renew', '--expires-in', '52w', '--json')) as Issued;
    expect((renewed.expiresAt ?? 0) - renewed.createdAt).toBe(52 * 604_800_000);

    await keys('create', '--name', 'stale', '--expires-in', '0m');
    const storage = await openStorage({ type: 'sqlite', dataDir });
    await storage.keys.upsertByName({
      name: 'from-config',
      hash: hashKey('sk-config'),
      prefix: 'sk-config',
      source: 'config',
    });
    await storage.close();
    await expect(keys('rotate', 'stale')).rejects.toThrow(
      "keys rotate: key 'stale' has expired; issue a new one",
    );
    await expect(keys('rotate', 'from-config')).rejects.toThrow(
      "keys rotate: key 'from-config' is declared in the config file; change it there",
    );
    await expect(keys('update', 'from-config', '--rpm', '5')).rejects.toThrow(/declared in the config file/);
  });
});
