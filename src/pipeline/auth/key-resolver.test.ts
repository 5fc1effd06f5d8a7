import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createSecretBox, SecretBoxError } from '../../security/secret-box.js';
import { MemoryAwsKeyPairStore } from '../../storage/memory/memory-aws-key-pair-store.js';
import { MemoryKeyStore } from '../../storage/memory/memory-key-store.js';
import { createKeyResolver, hashKey } from './key-resolver.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ACCESS_KEY_ID = 'CVGAAAAAAAAAAAAAAAA1';

async function setup(options: { expiresAt?: number | null } = {}) {
  const keys = new MemoryKeyStore();
  const pairs = new MemoryAwsKeyPairStore(keys);
  const box = createSecretBox(randomBytes(32));
  const key = await keys.insert({
    name: 'ci',
    hash: hashKey('sk-cvg-ci-secret-0000000000'),
    prefix: 'sk-cvg-ci-s',
    models: ['claude'],
    expiresAt: options.expiresAt ?? null,
    source: 'issued',
  });
  await pairs.insert({
    accessKeyId: ACCESS_KEY_ID,
    keyId: key.id,
    sealedSecret: box.seal(SECRET, ACCESS_KEY_ID),
  });
  const openSecretBox = vi.fn(() => box);
  const findPair = vi.spyOn(pairs, 'findByAccessKeyId');
  const resolver = createKeyResolver(keys, { awsKeyPairs: pairs, openSecretBox });
  return { keys, pairs, key, resolver, openSecretBox, findPair };
}

describe('createKeyResolver: AWS access keys', () => {
  it('unseals the secret and returns the principal of the bound virtual key, from cache after the first time', async () => {
    const { resolver, key, openSecretBox, findPair } = await setup();
    const grant = {
      secretAccessKey: SECRET,
      principal: expect.objectContaining({ keyId: key.id, keyName: 'ci', teamId: null, models: ['claude'] }),
    };
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toEqual(grant);
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toEqual(grant);
    expect(findPair).toHaveBeenCalledTimes(1);
    expect(openSecretBox).toHaveBeenCalledTimes(1);
    await resolver.invalidate();
    await resolver.resolveAccessKey(ACCESS_KEY_ID);
    expect(findPair).toHaveBeenCalledTimes(2);
  });

  it('knows no access key when none matches, and opens no master key for it', async () => {
    const { resolver, openSecretBox, findPair } = await setup();
    expect(await resolver.resolveAccessKey('CVGBBBBBBBBBBBBBBBB2')).toBeUndefined();
    expect(openSecretBox).not.toHaveBeenCalled();
    findPair.mockClear();
    expect(await resolver.resolveAccessKey('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(findPair).not.toHaveBeenCalled();
    const withoutPairs = createKeyResolver(new MemoryKeyStore());
    expect(await withoutPairs.resolveAccessKey(ACCESS_KEY_ID)).toBeUndefined();
  });

  it('refuses a revoked pair, a revoked virtual key and an expired one', async () => {
    const revokedPair = await setup();
    await revokedPair.pairs.revoke(ACCESS_KEY_ID, 1);
    expect(await revokedPair.resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeUndefined();

    const revokedKey = await setup();
    await revokedKey.keys.revoke('ci', 1);
    expect(await revokedKey.resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeUndefined();

    const expired = await setup({ expiresAt: Date.now() - 1000 });
    expect(await expired.resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeUndefined();
  });

  it('sees a revocation once the snapshot is refreshed (by the timer, or invalidate())', async () => {
    const { resolver, keys } = await setup();
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeDefined();
    await keys.revoke('ci');
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeDefined();
    await resolver.invalidate();
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeUndefined();
  });

  it('keeps a pair it has seen working while the store is down (fail-open); an unseen one gets 503', async () => {
    const { keys, pairs, openSecretBox } = await setup();
    const resolver = createKeyResolver(keys, { awsKeyPairs: pairs, openSecretBox, cacheTtlMs: 0 });
    expect(await resolver.resolveAccessKey(ACCESS_KEY_ID)).toBeDefined();
    vi.spyOn(pairs, 'findByAccessKeyId').mockRejectedValue(new Error('connect ECONNREFUSED'));
    expect((await resolver.resolveAccessKey(ACCESS_KEY_ID))?.secretAccessKey).toBe(SECRET);
    await expect(resolver.resolveAccessKey('CVGBBBBBBBBBBBBBBBB2')).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
    resolver.close();
  });

  it('fails loudly when the sealed secret does not open under the master key', async () => {
    const keys = new MemoryKeyStore();
    const pairs = new MemoryAwsKeyPairStore(keys);
    const key = await keys.insert({ name: 'ci', hash: 'a'.repeat(64), prefix: 'sk', source: 'issued' });
    const sealed = createSecretBox(randomBytes(32)).seal(SECRET, ACCESS_KEY_ID);
    await pairs.insert({ accessKeyId: ACCESS_KEY_ID, keyId: key.id, sealedSecret: sealed });
    const resolver = createKeyResolver(keys, {
      awsKeyPairs: pairs,
      openSecretBox: () => createSecretBox(randomBytes(32)),
    });
    await expect(resolver.resolveAccessKey(ACCESS_KEY_ID)).rejects.toThrow(SecretBoxError);
  });
});
