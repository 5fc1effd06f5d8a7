import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { MemoryKeyStore } from '../../storage/memory/memory-key-store.js';
import { MemoryTeamStore } from '../../storage/memory/memory-team-store.js';
import type { KeyStore } from '../../storage/types.js';
import { createKeyResolver, hashKey } from './key-resolver.js';

const SECRET = 'sk-cvg-snapshot-test-secret-000000';

async function setup() {
  const keys = new MemoryKeyStore();
  const teams = new MemoryTeamStore();
  const team = await teams.insert({ name: 'search', models: ['claude', 'gemini'], processing: ['eu'] });
  const key = await keys.insert({
    name: 'ci',
    hash: hashKey(SECRET),
    prefix: SECRET.slice(0, 11),
    source: 'issued',
    teamId: team.id,
    models: ['gpt-4o', 'claude'],
    limits: { rpm: 10 },
  });
  return { keys, teams, team, key };
}

/** A key store whose reads can be made to fail, as PostgreSQL does when it is unreachable. */
function breakable(store: KeyStore) {
  let down = false;
  const listUpdatedSince = store.listUpdatedSince.bind(store);
  vi.spyOn(store, 'listUpdatedSince').mockImplementation(async (since) => {
    if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    return listUpdatedSince(since);
  });
  return {
    setDown(value: boolean) {
      down = value;
    },
  };
}

describe('createKeyResolver: the in-memory key snapshot', () => {
  it("resolves a key with its team's rules folded in: models narrowed, both residencies, both scopes", async () => {
    const { keys, teams, team, key } = await setup();
    await teams.update(team.id, { limits: { concurrency: 2 } });
    const resolver = createKeyResolver(keys, { teams, defaults: { budget: { usdPerDay: 5 } } });
    const principal = await resolver.resolve(SECRET);
    expect(principal).toMatchObject({
      keyId: key.id,
      teamId: team.id,
      teamName: 'search',
      models: ['claude'],
      teamProcessing: ['eu'],
    });
    expect(principal?.limitScopes?.map((scope) => scope.id)).toEqual([`key:${key.id}`, `team:${team.id}`]);
    resolver.close();
  });

  it('serves from memory without touching the store; a new key is found by a refresh on the miss', async () => {
    const { keys, teams } = await setup();
    const resolver = createKeyResolver(keys, { teams });
    expect(await resolver.resolve(SECRET)).toBeDefined();
    const findByHash = vi.spyOn(keys, 'findByHash');
    const list = vi.spyOn(keys, 'listUpdatedSince');
    for (let index = 0; index < 20; index++) await resolver.resolve(SECRET);
    expect(findByHash).not.toHaveBeenCalled();
    expect(list).not.toHaveBeenCalled();

    const other = 'sk-cvg-issued-elsewhere-0000000000';
    await keys.insert({ name: 'new', hash: hashKey(other), prefix: other.slice(0, 11), source: 'issued' });
    expect((await resolver.resolve(other))?.keyName).toBe('new');
    resolver.close();
  });

  it('stops resolving keys of a deleted team, and sees changes to the team after a refresh', async () => {
    const { keys, teams, team } = await setup();
    const resolver = createKeyResolver(keys, { teams });
    expect(await resolver.resolve(SECRET)).toBeDefined();
    await teams.update(team.id, { models: ['gemini'] });
    await resolver.invalidate();
    expect((await resolver.resolve(SECRET))?.models).toEqual([]);
    await teams.delete(team.id);
    await resolver.invalidate();
    expect(await resolver.resolve(SECRET)).toBeUndefined();
    resolver.close();
  });

  it('fail-open: keeps serving known keys from memory while the store is down, and recovers', async () => {
    const { keys, teams } = await setup();
    const control = breakable(keys);
    const resolver = createKeyResolver(keys, { teams, onUnavailable: 'fail-open' });
    expect(await resolver.resolve(SECRET)).toBeDefined();
    control.setDown(true);
    await resolver.invalidate();
    expect(resolver.isAvailable()).toBe(false);
    expect(await resolver.resolve(SECRET)).toBeDefined();
    expect(await resolver.resolve('sk-cvg-unknown-while-down-000000')).toBeUndefined();
    control.setDown(false);
    await resolver.invalidate();
    expect(resolver.isAvailable()).toBe(true);
    resolver.close();
  });

  it('fail-closed: refuses with 503 storage_unavailable while the store or the usage writer is down', async () => {
    const { keys, teams } = await setup();
    const control = breakable(keys);
    let writerHealthy = true;
    const resolver = createKeyResolver(keys, {
      teams,
      onUnavailable: 'fail-closed',
      isWriteHealthy: () => writerHealthy,
    });
    expect(await resolver.resolve(SECRET)).toBeDefined();
    control.setDown(true);
    await resolver.invalidate();
    const refused = await resolver.resolve(SECRET).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).code).toBe('storage_unavailable');
    expect((refused as GatewayError).status).toBe(503);
    control.setDown(false);
    await resolver.invalidate();
    expect(await resolver.resolve(SECRET)).toBeDefined();
    writerHealthy = false;
    await expect(resolver.resolve(SECRET)).rejects.toMatchObject({ code: 'storage_unavailable' });
    resolver.close();
  });

  it('rejects revoked and expired keys, and a rotated-out key once its overlap ends', async () => {
    const { keys, teams, key } = await setup();
    let now = Date.now();
    const resolver = createKeyResolver(keys, { teams, clock: () => now });
    const next = 'sk-cvg-rotated-secret-0000000000000';
    const rotated = await keys.rotate(
      key.id,
      { hash: hashKey(next), prefix: next.slice(0, 11) },
      now + 60_000,
    );
    expect(rotated).toBeDefined();
    await resolver.invalidate();
    expect((await resolver.resolve(SECRET))?.keyId).toBe(key.id);
    expect((await resolver.resolve(next))?.keyName).toBe('ci');
    now += 60_001;
    expect(await resolver.resolve(SECRET)).toBeUndefined();
    expect(await resolver.resolve(next)).toBeDefined();
    await keys.revoke(rotated?.created.id ?? '');
    await resolver.invalidate();
    expect(await resolver.resolve(next)).toBeUndefined();
    resolver.close();
  });
});
