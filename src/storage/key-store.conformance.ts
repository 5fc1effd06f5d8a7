import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeKeyStoreChangeConformance } from './key-store-changes.conformance.js';
import { hashOf, newKey } from './key-store-fixtures.js';
import { DuplicateKeyError, type KeyStore } from './types.js';

/** Opens a fresh, empty store for one test; `close` releases it afterwards. */
export type KeyStoreFactory = () => Promise<{ store: KeyStore; close?: () => Promise<void> | void }>;

/**
 * The behaviour every `KeyStore` backend must share (this file: insert, find, revoke, upsert, list;
 * `key-store-changes.conformance.ts`: governance fields, update, rotate, listUpdatedSince). Run it
 * from each backend's test file:
 *
 * @example
 * describeKeyStoreConformance('MemoryKeyStore', async () => ({ store: new MemoryKeyStore() }));
 */
export function describeKeyStoreConformance(name: string, factory: KeyStoreFactory): void {
  describe(`${name} (KeyStore conformance)`, () => {
    let store: KeyStore;
    let close: (() => Promise<void> | void) | undefined;

    beforeEach(async () => {
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      await close?.();
    });

    it('inserts a key with a new id, a creation time and defaults for the optional fields', async () => {
      const before = Date.now();
      const record = await store.insert(newKey('ci'));
      const after = Date.now();
      expect(record).toEqual({
        id: expect.any(String),
        name: 'ci',
        prefix: 'sk-cvg-ci',
        hash: hashOf('ci'),
        createdAt: expect.any(Number),
        expiresAt: null,
        revokedAt: null,
        source: 'issued',
        teamId: null,
        userId: null,
        role: 'member',
        allowRouteOverride: false,
        models: null,
        processing: null,
        limits: {},
        budget: {},
        tags: {},
        updatedAt: record.createdAt,
        replacedBy: null,
      });
      expect(record.createdAt).toBeGreaterThanOrEqual(before);
      expect(record.createdAt).toBeLessThanOrEqual(after);
      expect(await store.findById(record.id)).toEqual(record);
      const other = await store.insert(newKey('other'));
      expect(other.id).not.toBe(record.id);
    });

    it('finds a key by hash and by name, and returns undefined for unknown ones', async () => {
      const record = await store.insert(newKey('équipe-α', { source: 'dev' }));
      expect(await store.findByHash(record.hash)).toEqual(record);
      expect(await store.findByName('équipe-α')).toEqual(record);
      expect(await store.findByHash(hashOf('missing'))).toBeUndefined();
      expect(await store.findByName('missing')).toBeUndefined();
    });

    it('finds a key by id, revoked or not, and returns undefined for an unknown id', async () => {
      const record = await store.insert(newKey('ci'));
      expect(await store.findById(record.id)).toEqual(record);
      await store.revoke(record.id, 7);
      expect(await store.findById(record.id)).toEqual({ ...record, revokedAt: 7, updatedAt: 7 });
      expect(await store.findById('key_missing')).toBeUndefined();
    });

    it('rejects a second live key with the same name and writes nothing', async () => {
      await store.insert(newKey('ci'));
      await expect(store.insert(newKey('ci', { hash: hashOf('other') }))).rejects.toThrow(DuplicateKeyError);
      expect(await store.list()).toHaveLength(1);
      expect(await store.findByHash(hashOf('other'))).toBeUndefined();
    });

    it('rejects a duplicate hash, even when the key holding it is revoked', async () => {
      await store.insert(newKey('ci', { hash: hashOf('shared') }));
      await expect(store.insert(newKey('ops', { hash: hashOf('shared') }))).rejects.toThrow(
        DuplicateKeyError,
      );
      await store.revoke('ci', 1);
      await expect(store.insert(newKey('ops', { hash: hashOf('shared') }))).rejects.toThrow(
        DuplicateKeyError,
      );
      expect(await store.findByName('ops')).toBeUndefined();
    });

    it('revokes by id; the key is still found by hash, with revokedAt and updatedAt set', async () => {
      const record = await store.insert(newKey('ci'));
      expect(await store.revoke(record.id, 1_700_000_000_000)).toBe(true);
      const revoked = { ...record, revokedAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 };
      expect(await store.findByHash(record.hash)).toEqual(revoked);
      expect(await store.revoke(record.id, 1_800_000_000_000)).toBe(false);
      expect(await store.findByHash(record.hash)).toEqual(revoked);
    });

    it('revokes by name, at the current time when none is given', async () => {
      const record = await store.insert(newKey('ci'));
      const before = Date.now();
      expect(await store.revoke('ci')).toBe(true);
      const revoked = await store.findByHash(record.hash);
      expect(revoked?.revokedAt).toBeGreaterThanOrEqual(before);
      expect(revoked?.revokedAt).toBeLessThanOrEqual(Date.now());
      expect(revoked?.updatedAt).toBe(revoked?.revokedAt);
      expect(await store.revoke('ci')).toBe(false);
    });

    it('returns false when revoking an unknown id or name', async () => {
      await store.insert(newKey('ci'));
      expect(await store.revoke('nobody')).toBe(false);
      expect((await store.findByName('ci'))?.revokedAt).toBeNull();
    });

    it('lets a revoked name be reused; findByName then prefers the live key', async () => {
      const first = await store.insert(newKey('ci', { hash: hashOf('first') }));
      await store.revoke('ci', 10);
      const second = await store.insert(newKey('ci', { hash: hashOf('second') }));
      expect(second.id).not.toBe(first.id);
      expect(await store.findByName('ci')).toEqual(second);
      expect((await store.findByHash(hashOf('first')))?.revokedAt).toBe(10);
      // Revoking by name only touches the live key; the old one keeps its revocation time.
      expect(await store.revoke('ci', 20)).toBe(true);
      expect((await store.findByHash(hashOf('first')))?.revokedAt).toBe(10);
      expect((await store.findByHash(hashOf('second')))?.revokedAt).toBe(20);
    });

    it('finds the most recently created key by name when all keys with that name are revoked', async () => {
      await store.insert(newKey('ci', { hash: hashOf('first') }));
      await store.revoke('ci', 10);
      const second = await store.insert(newKey('ci', { hash: hashOf('second') }));
      await store.revoke('ci', 20);
      expect(await store.findByName('ci')).toEqual({ ...second, revokedAt: 20, updatedAt: 20 });
    });

    it('round-trips expiry times and null', async () => {
      const expiring = await store.insert(newKey('expiring', { expiresAt: 1_900_000_000_123 }));
      const forever = await store.insert(newKey('forever', { expiresAt: null }));
      expect((await store.findByHash(expiring.hash))?.expiresAt).toBe(1_900_000_000_123);
      expect((await store.findByHash(forever.hash))?.expiresAt).toBeNull();
    });

    it('keeps null (all models), an empty list (none) and a model list apart', async () => {
      await store.insert(newKey('all', { models: null }));
      await store.insert(newKey('none', { models: [] }));
      await store.insert(newKey('some', { models: ['gpt-4o', 'claude-sonnet', 'mod/él'] }));
      expect((await store.findByName('all'))?.models).toBeNull();
      expect((await store.findByName('none'))?.models).toEqual([]);
      expect((await store.findByName('some'))?.models).toEqual(['gpt-4o', 'claude-sonnet', 'mod/él']);
    });

    it('hands out copies: changing a returned record does not change the store', async () => {
      const record = await store.insert(newKey('ci', { models: ['a'] }));
      record.models?.push('b');
      record.name = 'changed';
      const found = await store.findByHash(record.hash);
      found?.models?.push('c');
      const listed = await store.list();
      listed[0]?.models?.push('d');
      expect(await store.findByHash(record.hash)).toMatchObject({ name: 'ci', models: ['a'] });
    });

    it('upsertByName inserts a key that does not exist yet', async () => {
      const record = await store.upsertByName(newKey('from-config', { source: 'config', models: ['m'] }));
      expect(record).toMatchObject({ name: 'from-config', source: 'config', models: ['m'], revokedAt: null });
      expect(await store.findByHash(record.hash)).toEqual(record);
    });

    it('upsertByName updates a live key in place, keeping its id and creation time', async () => {
      const original = await store.insert(
        newKey('cfg', { hash: hashOf('old'), expiresAt: 5, models: ['a'], role: 'admin', tags: { a: 'b' } }),
      );
      const before = Date.now();
      const updated = await store.upsertByName(
        newKey('cfg', {
          hash: hashOf('new'),
          prefix: 'sk-cvg-NEW',
          source: 'config',
          models: null,
          teamId: 'team_cfg',
          limits: { rpm: 60 },
        }),
      );
      // Every field comes from the new declaration; omitted ones go back to their defaults.
      expect(updated).toEqual({
        ...original,
        hash: hashOf('new'),
        prefix: 'sk-cvg-NEW',
        source: 'config',
        models: null,
        expiresAt: null,
        role: 'member',
        tags: {},
        teamId: 'team_cfg',
        limits: { rpm: 60 },
        updatedAt: expect.any(Number),
      });
      expect(updated.updatedAt).toBeGreaterThanOrEqual(before);
      expect(updated.updatedAt).toBeLessThanOrEqual(Date.now());
      expect(await store.findByHash(hashOf('old'))).toBeUndefined();
      expect(await store.list()).toEqual([updated]);
    });

    it('upsertByName is idempotent for an unchanged key (a restart with the same config)', async () => {
      const declared = newKey('cfg', {
        source: 'config',
        models: ['m'],
        limits: { rpm: 1 },
        tags: { x: 'y' },
      });
      const first = await store.upsertByName(declared);
      // Nothing changed, so updatedAt stays: the replicas have nothing to reload.
      expect(await store.upsertByName(declared)).toEqual(first);
      expect(await store.list()).toEqual([first]);
      expect(await store.listUpdatedSince(first.updatedAt)).toEqual([]);
    });

    it('upsertByName un-revokes a revoked key, keeping its id', async () => {
      const original = await store.insert(newKey('cfg', { source: 'config' }));
      await store.revoke(original.id, 10);
      const before = Date.now();
      const restored = await store.upsertByName(newKey('cfg', { source: 'config' }));
      expect(restored).toEqual({ ...original, revokedAt: null, updatedAt: expect.any(Number) });
      expect(restored.updatedAt).toBeGreaterThanOrEqual(before);
      expect(await store.findByHash(original.hash)).toEqual(restored);
    });

    it('upsertByName rejects a hash another key holds and leaves both keys unchanged', async () => {
      const cfg = await store.insert(newKey('cfg'));
      const other = await store.insert(newKey('other'));
      await expect(store.upsertByName(newKey('cfg', { hash: other.hash }))).rejects.toThrow(
        DuplicateKeyError,
      );
      expect(await store.findByName('cfg')).toEqual(cfg);
      expect(await store.findByName('other')).toEqual(other);
    });

    it('lists every key, revoked ones included, oldest first', async () => {
      const names = ['c', 'a', 'b', 'e', 'd'];
      for (const keyName of names) await store.insert(newKey(keyName));
      await store.revoke('a', 1);
      const listed = await store.list();
      expect(listed.map((record) => record.name)).toEqual(names);
      expect(listed.find((record) => record.name === 'a')?.revokedAt).toBe(1);
      expect(await store.list()).toEqual(listed);
    });

    it('lists nothing when empty', async () => {
      expect(await store.list()).toEqual([]);
      expect(await store.listUpdatedSince(0)).toEqual([]);
    });
  });
  describeKeyStoreChangeConformance(name, factory);
}
