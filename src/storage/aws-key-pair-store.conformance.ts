import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AwsKeyPairStore,
  DuplicateKeyError,
  type KeyStore,
  type NewAwsKeyPair,
  UnknownKeyError,
} from './types.js';

/** Opens fresh, empty stores sharing one backend (pairs reference virtual keys). */
export type AwsKeyPairStoreFactory = () => Promise<{
  keys: KeyStore;
  pairs: AwsKeyPairStore;
  close?: () => Promise<void> | void;
}>;

function newPair(accessKeyId: string, keyId: string): NewAwsKeyPair {
  return { accessKeyId, keyId, sealedSecret: `v1.sealed-${accessKeyId}` };
}

/**
 * The behaviour every `AwsKeyPairStore` backend must share.
 *
 * @example
 * describeAwsKeyPairStoreConformance('memory', async () => {
 *   const keys = new MemoryKeyStore();
 *   return { keys, pairs: new MemoryAwsKeyPairStore(keys) };
 * });
 */
export function describeAwsKeyPairStoreConformance(name: string, factory: AwsKeyPairStoreFactory): void {
  describe(`${name} (AwsKeyPairStore conformance)`, () => {
    let keys: KeyStore;
    let pairs: AwsKeyPairStore;
    let close: (() => Promise<void> | void) | undefined;
    let keyId: string;

    beforeEach(async () => {
      ({ keys, pairs, close } = await factory());
      keyId = (await keys.insert({ name: 'ci', hash: 'c'.repeat(64), prefix: 'sk-cvg-ci', source: 'issued' }))
        .id;
    });
    afterEach(async () => {
      await close?.();
    });

    it('inserts a pair with a creation time and finds it by access key id', async () => {
      const before = Date.now();
      const record = await pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', keyId));
      expect(record).toEqual({
        accessKeyId: 'CVGAAAAAAAAAAAAAAAA1',
        keyId,
        sealedSecret: 'v1.sealed-CVGAAAAAAAAAAAAAAAA1',
        createdAt: expect.any(Number),
        revokedAt: null,
      });
      expect(record.createdAt).toBeGreaterThanOrEqual(before);
      expect(await pairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA1')).toEqual(record);
      expect(await pairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA2')).toBeUndefined();
    });

    it('rejects a duplicate access key id, even a revoked one', async () => {
      await pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', keyId));
      await pairs.revoke('CVGAAAAAAAAAAAAAAAA1', 5);
      await expect(pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', keyId))).rejects.toThrow(DuplicateKeyError);
      expect(await pairs.list()).toHaveLength(1);
    });

    it('rejects a pair for a virtual key that does not exist', async () => {
      await expect(pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', 'key_nobody'))).rejects.toThrow(
        UnknownKeyError,
      );
      expect(await pairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA1')).toBeUndefined();
    });

    it('revokes a live pair once, keeping the first revocation time', async () => {
      const record = await pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', keyId));
      expect(await pairs.revoke('CVGAAAAAAAAAAAAAAAA1', 1_700_000_000_000)).toBe(true);
      expect(await pairs.revoke('CVGAAAAAAAAAAAAAAAA1', 1_800_000_000_000)).toBe(false);
      expect(await pairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA1')).toEqual({
        ...record,
        revokedAt: 1_700_000_000_000,
      });
      expect(await pairs.revoke('CVGAAAAAAAAAAAAAAAA9')).toBe(false);
    });

    it('revokes at the current time when none is given', async () => {
      await pairs.insert(newPair('CVGAAAAAAAAAAAAAAAA1', keyId));
      const before = Date.now();
      await pairs.revoke('CVGAAAAAAAAAAAAAAAA1');
      const revokedAt = (await pairs.findByAccessKeyId('CVGAAAAAAAAAAAAAAAA1'))?.revokedAt ?? 0;
      expect(revokedAt).toBeGreaterThanOrEqual(before);
      expect(revokedAt).toBeLessThanOrEqual(Date.now());
    });

    it('lists every pair, oldest first, and hands out copies', async () => {
      const other = await keys.insert({
        name: 'ops',
        hash: 'd'.repeat(64),
        prefix: 'sk-cvg-op',
        source: 'issued',
      });
      for (const [accessKeyId, owner] of [
        ['CVGCCCCCCCCCCCCCCCC3', keyId],
        ['CVGAAAAAAAAAAAAAAAA1', other.id],
        ['CVGBBBBBBBBBBBBBBBB2', keyId],
      ] as const) {
        await pairs.insert(newPair(accessKeyId, owner));
      }
      await pairs.revoke('CVGAAAAAAAAAAAAAAAA1', 3);
      const listed = await pairs.list();
      expect(listed.map((pair) => [pair.accessKeyId, pair.keyId, pair.revokedAt])).toEqual([
        ['CVGCCCCCCCCCCCCCCCC3', keyId, null],
        ['CVGAAAAAAAAAAAAAAAA1', other.id, 3],
        ['CVGBBBBBBBBBBBBBBBB2', keyId, null],
      ]);
      const first = listed[0];
      if (first !== undefined) first.sealedSecret = 'changed';
      expect((await pairs.findByAccessKeyId('CVGCCCCCCCCCCCCCCCC3'))?.sealedSecret).toBe(
        'v1.sealed-CVGCCCCCCCCCCCCCCCC3',
      );
    });

    it('lists nothing when empty', async () => {
      expect(await pairs.list()).toEqual([]);
    });
  });
}
