import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyStoreFactory } from './key-store.conformance.js';
import { governedKey, hashOf, LATER, newKey } from './key-store-fixtures.js';
import { DuplicateKeyError, type KeyStore } from './types.js';

/**
 * Governance fields, `update`, `rotate` and `listUpdatedSince` (called by `describeKeyStoreConformance`).
 *
 * @example
 * describeKeyStoreChangeConformance('MemoryKeyStore', async () => ({ store: new MemoryKeyStore() }));
 */
export function describeKeyStoreChangeConformance(name: string, factory: KeyStoreFactory): void {
  describe(`${name} (KeyStore conformance: changes)`, () => {
    let store: KeyStore;
    let close: (() => Promise<void> | void) | undefined;

    beforeEach(async () => {
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      await close?.();
    });

    it('round-trips every governance field', async () => {
      const record = await store.insert(newKey('gov', governedKey));
      expect(record).toMatchObject({ ...governedKey, revokedAt: null, replacedBy: null });
      expect(record.updatedAt).toBe(record.createdAt);
      expect(await store.findById(record.id)).toEqual(record);
      expect(await store.findByHash(record.hash)).toEqual(record);
      expect(await store.findByName('gov')).toEqual(record);
      expect(await store.list()).toEqual([record]);
    });

    it('keeps null (any residency), an empty list and a region list apart; allows partial limits', async () => {
      await store.insert(newKey('any', { processing: null, limits: { rpm: 1 }, budget: { usdPerDay: 0 } }));
      await store.insert(newKey('none', { processing: [] }));
      await store.insert(newKey('eu', { processing: ['eu'], budget: { mode: 'hard' } }));
      expect(await store.findByName('any')).toMatchObject({
        processing: null,
        limits: { rpm: 1 },
        budget: { usdPerDay: 0 },
      });
      expect((await store.findByName('none'))?.processing).toEqual([]);
      expect(await store.findByName('eu')).toMatchObject({ processing: ['eu'], budget: { mode: 'hard' } });
    });

    it('hands out deep copies of the policy objects', async () => {
      const record = await store.insert(newKey('gov', governedKey));
      record.limits.rpm = 1;
      record.budget.mode = 'hard';
      record.tags['owner'] = 'x';
      record.processing?.push('us');
      const found = await store.findById(record.id);
      if (found !== undefined) found.limits.tpm = 2;
      expect(await store.findById(record.id)).toMatchObject({
        limits: governedKey.limits,
        budget: governedKey.budget,
        tags: governedKey.tags,
        processing: governedKey.processing,
      });
    });

    it('update applies only the fields given, replaces objects whole and stamps updatedAt', async () => {
      const record = await store.insert(newKey('gov', governedKey));
      const updated = await store.update(
        record.id,
        { name: 'gov-2', limits: { rpm: 5 }, models: null, expiresAt: null, role: 'member', tags: undefined },
        LATER,
      );
      const expected = {
        ...record,
        name: 'gov-2',
        limits: { rpm: 5 },
        models: null,
        expiresAt: null,
        role: 'member',
        updatedAt: LATER,
      };
      expect(updated).toEqual(expected);
      expect(await store.findById(record.id)).toEqual(expected);
      expect(await store.findByName('gov-2')).toEqual(expected);
      expect(await store.findByName('gov')).toBeUndefined();
    });

    it('update sets every patchable field and ignores fields it may not change', async () => {
      const record = await store.insert(newKey('plain'));
      const patch = {
        allowRouteOverride: true,
        processing: ['eu'],
        budget: { usdPerMonth: 9 },
        tags: { a: 'b' },
        expiresAt: 1_900_000_000_000,
        // Not patchable: a spread request body must not move a key to another team or rewrite its hash.
        teamId: 'team_other',
        hash: hashOf('other'),
        id: 'key_forged',
      };
      const updated = await store.update(record.id, patch, LATER);
      expect(updated).toEqual({
        ...record,
        allowRouteOverride: true,
        processing: ['eu'],
        budget: { usdPerMonth: 9 },
        tags: { a: 'b' },
        expiresAt: 1_900_000_000_000,
        updatedAt: LATER,
      });
    });

    it('update stamps the current time when no time is given, even for an empty patch', async () => {
      const record = await store.insert(newKey('ci'));
      await store.update(record.id, {}, 5);
      const before = Date.now();
      const updated = await store.update(record.id, {});
      expect(updated?.updatedAt).toBeGreaterThanOrEqual(before);
      expect(updated?.updatedAt).toBeLessThanOrEqual(Date.now());
      expect(updated).toEqual({ ...record, updatedAt: updated?.updatedAt });
    });

    it('update refuses a name another live key holds and changes nothing', async () => {
      const ci = await store.insert(newKey('ci'));
      await store.insert(newKey('ops'));
      await expect(store.update(ci.id, { name: 'ops', role: 'admin' }, LATER)).rejects.toThrow(
        DuplicateKeyError,
      );
      expect(await store.findById(ci.id)).toEqual(ci);
      // Its own name, and a name only a revoked key holds, are fine.
      expect((await store.update(ci.id, { name: 'ci' }, LATER))?.name).toBe('ci');
      await store.revoke('ops', 1);
      expect((await store.update(ci.id, { name: 'ops' }, LATER + 1))?.name).toBe('ops');
    });

    it('update answers undefined for an unknown, revoked or replaced key and writes nothing', async () => {
      expect(await store.update('key_missing', { name: 'x' }, LATER)).toBeUndefined();
      const revoked = await store.insert(newKey('revoked'));
      await store.revoke(revoked.id, 1);
      expect(await store.update(revoked.id, { role: 'admin' }, LATER)).toBeUndefined();
      const old = await store.insert(newKey('old'));
      const rotated = await store.rotate(old.id, { hash: hashOf('new'), prefix: 'sk-cvg-new' }, 9, 8);
      expect(await store.update(old.id, { role: 'admin' }, LATER)).toBeUndefined();
      expect(await store.findById(revoked.id)).toEqual({ ...revoked, revokedAt: 1, updatedAt: 1 });
      expect(await store.findById(old.id)).toEqual(rotated?.old);
      expect(await store.listUpdatedSince(LATER - 1)).toEqual([]);
    });

    it('moveUserKeys moves every unrevoked key of the user, the rotated-out one included, and stamps it', async () => {
      const live = await store.insert(newKey('live', { userId: 'user_ada', teamId: 'team_a' }));
      const old = await store.insert(newKey('old', { userId: 'user_ada', teamId: 'team_a' }));
      const rotated = await store.rotate(
        old.id,
        { hash: hashOf('new'), prefix: 'sk-cvg-new' },
        LATER + 10,
        5,
      );
      const revoked = await store.insert(newKey('gone', { userId: 'user_ada', teamId: 'team_a' }));
      await store.revoke(revoked.id, 6);
      const other = await store.insert(newKey('other', { userId: 'user_bob', teamId: 'team_a' }));

      expect(await store.moveUserKeys('user_ada', 'team_b', LATER)).toBe(3);
      const team = async (id: string) => (await store.findById(id))?.teamId;
      expect(await team(live.id)).toBe('team_b');
      expect(await team(old.id)).toBe('team_b');
      expect(await team(rotated!.created.id)).toBe('team_b');
      expect(await team(revoked.id)).toBe('team_a');
      expect(await team(other.id)).toBe('team_a');
      // The key snapshot on every replica learns of the move from updatedAt.
      const changed = (await store.listUpdatedSince(LATER - 1)).map((key) => key.id).sort();
      expect(changed).toEqual([live.id, old.id, rotated!.created.id].sort());
      expect(await store.moveUserKeys('user_ada', null, LATER + 1)).toBe(3);
      expect(await team(live.id)).toBeNull();
      expect(await store.moveUserKeys('user_nobody', 'team_b')).toBe(0);
    });

    it('rotate creates a successor inheriting name, source, team, user, role and policy', async () => {
      const old = await store.insert(newKey('gov', { ...governedKey, expiresAt: null }));
      const rotated = await store.rotate(
        old.id,
        { hash: hashOf('next'), prefix: 'sk-cvg-next' },
        LATER + 50,
        LATER,
      );
      expect(rotated).toBeDefined();
      const { created } = rotated!;
      expect(created.id).not.toBe(old.id);
      expect(created).toEqual({
        ...old,
        id: created.id,
        hash: hashOf('next'),
        prefix: 'sk-cvg-next',
        createdAt: LATER,
        updatedAt: LATER,
        expiresAt: null,
        revokedAt: null,
        replacedBy: null,
      });
      expect(rotated!.old).toEqual({
        ...old,
        replacedBy: created.id,
        expiresAt: LATER + 50,
        updatedAt: LATER,
      });
      expect(await store.findById(old.id)).toEqual(rotated!.old);
      expect(await store.findByHash(old.hash)).toEqual(rotated!.old);
      expect(await store.findById(created.id)).toEqual(created);
      expect(await store.findByHash(hashOf('next'))).toEqual(created);
      expect(await store.findByName('gov')).toEqual(created);
      expect(await store.list()).toEqual([rotated!.old, created]);
    });

    it('rotate gives the successor the expiry asked for, and never extends the old key', async () => {
      const expiring = await store.insert(newKey('a', { expiresAt: LATER + 30 }));
      const later = await store.insert(newKey('b', { expiresAt: LATER + 90 }));
      const first = await store.rotate(
        expiring.id,
        { hash: hashOf('a2'), prefix: 'p', expiresAt: 77 },
        LATER + 60,
      );
      const second = await store.rotate(
        later.id,
        { hash: hashOf('b2'), prefix: 'p', expiresAt: null },
        LATER + 60,
      );
      expect(first?.old.expiresAt).toBe(LATER + 30);
      expect(first?.created.expiresAt).toBe(77);
      expect(second?.old.expiresAt).toBe(LATER + 60);
      expect(second?.created.expiresAt).toBeNull();
    });

    it('rotate stamps the current time when none is given', async () => {
      const old = await store.insert(newKey('ci'));
      const before = Date.now();
      const rotated = await store.rotate(old.id, { hash: hashOf('ci2'), prefix: 'p' }, LATER);
      const after = Date.now();
      for (const time of [rotated?.created.createdAt, rotated?.created.updatedAt, rotated?.old.updatedAt]) {
        expect(time).toBeGreaterThanOrEqual(before);
        expect(time).toBeLessThanOrEqual(after);
      }
      expect(rotated?.created.createdAt).toBe(rotated?.old.updatedAt);
    });

    it('keeps names unique among live keys only: the replaced key does not hold its name', async () => {
      const old = await store.insert(newKey('ci'));
      const rotated = await store.rotate(old.id, { hash: hashOf('ci2'), prefix: 'p' }, LATER, 10);
      await expect(store.insert(newKey('ci', { hash: hashOf('ci3') }))).rejects.toThrow(DuplicateKeyError);
      await store.revoke(rotated!.created.id, 20);
      // Neither the replaced nor the revoked key is live, so the name is free again.
      const third = await store.insert(newKey('ci', { hash: hashOf('ci3') }));
      expect(await store.findByName('ci')).toEqual(third);
    });

    it('rotate answers undefined for an unknown, revoked or already replaced key and writes nothing', async () => {
      expect(await store.rotate('key_missing', { hash: hashOf('x1'), prefix: 'p' }, LATER)).toBeUndefined();
      const revoked = await store.insert(newKey('revoked'));
      await store.revoke(revoked.id, 1);
      expect(await store.rotate(revoked.id, { hash: hashOf('x2'), prefix: 'p' }, LATER)).toBeUndefined();
      const old = await store.insert(newKey('old'));
      await store.rotate(old.id, { hash: hashOf('x3'), prefix: 'p' }, LATER, 5);
      expect(await store.rotate(old.id, { hash: hashOf('x4'), prefix: 'p' }, LATER, 6)).toBeUndefined();
      expect(await store.list()).toHaveLength(3);
      for (const hash of [hashOf('x1'), hashOf('x2'), hashOf('x4')]) {
        expect(await store.findByHash(hash)).toBeUndefined();
      }
    });

    it('rotate refuses a hash already in use, revoked keys included, and writes nothing', async () => {
      const ci = await store.insert(newKey('ci'));
      const other = await store.insert(newKey('other'));
      await store.revoke(other.id, 3);
      for (const hash of [ci.hash, other.hash]) {
        await expect(store.rotate(ci.id, { hash, prefix: 'p' }, LATER, LATER)).rejects.toThrow(
          DuplicateKeyError,
        );
      }
      expect(await store.findById(ci.id)).toEqual(ci);
      expect(await store.list()).toHaveLength(2);
      expect(await store.listUpdatedSince(LATER - 1)).toEqual([]);
    });

    it('a rotated-out key can be revoked by id; revoking by name revokes it with its successor', async () => {
      const a = await store.insert(newKey('a'));
      const rotatedA = await store.rotate(a.id, { hash: hashOf('a2'), prefix: 'p' }, LATER, 1);
      expect(await store.revoke(a.id, 2)).toBe(true);
      expect((await store.findById(rotatedA!.created.id))?.revokedAt).toBeNull();
      const b = await store.insert(newKey('b'));
      const rotatedB = await store.rotate(b.id, { hash: hashOf('b2'), prefix: 'p' }, LATER, 1);
      expect(await store.revoke('b', 3)).toBe(true);
      expect(await store.findById(b.id)).toMatchObject({ revokedAt: 3, updatedAt: 3 });
      expect(await store.findById(rotatedB!.created.id)).toMatchObject({ revokedAt: 3, updatedAt: 3 });
      expect(await store.revoke('b', 4)).toBe(false);
    });

    it('upsertByName after a rotation updates the successor', async () => {
      const old = await store.insert(newKey('cfg', { source: 'config' }));
      const rotated = await store.rotate(old.id, { hash: hashOf('cfg2'), prefix: 'p' }, LATER, 1);
      const upserted = await store.upsertByName(newKey('cfg', { hash: hashOf('cfg3'), source: 'config' }));
      expect(upserted.id).toBe(rotated?.created.id);
      expect(await store.findById(old.id)).toEqual(rotated?.old);
    });

    it('listUpdatedSince returns keys changed after the time (exclusive), oldest change first', async () => {
      const a = await store.insert(newKey('a'));
      const b = await store.insert(newKey('b'));
      const c = await store.insert(newKey('c'));
      const untouched = await store.insert(newKey('untouched'));
      await store.update(b.id, { role: 'admin' }, LATER + 10);
      await store.revoke(a.id, LATER + 20);
      const rotated = await store.rotate(c.id, { hash: hashOf('d'), prefix: 'p' }, LATER + 99, LATER + 30);
      const d = rotated!.created;
      const ids = async (since: number) => (await store.listUpdatedSince(since)).map((key) => key.id);
      // c and d changed at the same time: creation order breaks the tie.
      expect(await ids(LATER)).toEqual([b.id, a.id, c.id, d.id]);
      expect(await ids(LATER + 10)).toEqual([a.id, c.id, d.id]);
      expect(await ids(LATER + 29)).toEqual([c.id, d.id]);
      expect(await ids(LATER + 30)).toEqual([]);
      expect(await ids(-1)).toEqual([untouched.id, b.id, a.id, c.id, d.id]);
      const [revoked] = await store.listUpdatedSince(LATER + 10);
      expect(revoked).toEqual({ ...a, revokedAt: LATER + 20, updatedAt: LATER + 20 });
    });
  });
}
