import {
  type AwsKeyPairRecord,
  type AwsKeyPairStore,
  DuplicateKeyError,
  type KeyStore,
  type NewAwsKeyPair,
  UnknownKeyError,
} from '../types.js';

/**
 * AWS key pairs in a `Map`, for tests and memory storage. Checks `keyId` against the key store it is
 * given, as SQLite's foreign key does, and hands out copies.
 *
 * @example
 * const keys = new MemoryKeyStore();
 * const pairs = new MemoryAwsKeyPairStore(keys);
 */
export class MemoryAwsKeyPairStore implements AwsKeyPairStore {
  private readonly pairs = new Map<string, AwsKeyPairRecord>();

  constructor(private readonly keys: Pick<KeyStore, 'findById'>) {}

  async insert(pair: NewAwsKeyPair): Promise<AwsKeyPairRecord> {
    if (this.pairs.has(pair.accessKeyId)) {
      throw new DuplicateKeyError(`the access key id ${pair.accessKeyId} is already in use`);
    }
    if ((await this.keys.findById(pair.keyId)) === undefined) {
      throw new UnknownKeyError(`no virtual key has the id ${pair.keyId}`);
    }
    const record: AwsKeyPairRecord = { ...pair, createdAt: Date.now(), revokedAt: null };
    this.pairs.set(record.accessKeyId, record);
    return { ...record };
  }

  async findByAccessKeyId(accessKeyId: string): Promise<AwsKeyPairRecord | undefined> {
    const record = this.pairs.get(accessKeyId);
    return record === undefined ? undefined : { ...record };
  }

  async list(): Promise<AwsKeyPairRecord[]> {
    return [...this.pairs.values()].map((record) => ({ ...record }));
  }

  async revoke(accessKeyId: string, at: number = Date.now()): Promise<boolean> {
    const record = this.pairs.get(accessKeyId);
    if (record === undefined || record.revokedAt !== null) return false;
    record.revokedAt = at;
    return true;
  }
}
