import { createKeyId } from '../create-key-id.js';
import { DuplicateKeyError, type KeyStore, type NewVirtualKey, type VirtualKeyRecord } from '../types.js';

function copyRecord(record: VirtualKeyRecord): VirtualKeyRecord {
  return { ...record, models: record.models === null ? null : [...record.models] };
}

function isLive(record: VirtualKeyRecord): boolean {
  return record.revokedAt === null;
}

/**
 * Keys in a `Map`, for tests and `storage.type: memory`. Behaves exactly like the SQLite store (the
 * shared conformance suite proves it) and hands out copies, so callers can't mutate stored records.
 *
 * @example
 * const keys = new MemoryKeyStore();
 * await keys.insert({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' });
 */
export class MemoryKeyStore implements KeyStore {
  /** In creation order, which is the order `list()` returns. */
  private readonly records = new Map<string, VirtualKeyRecord>();
  private readonly idsByHash = new Map<string, string>();

  async insert(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    this.assertHashFree(key.hash, undefined);
    if (this.findLiveByName(key.name) !== undefined) {
      throw new DuplicateKeyError(`a live key named "${key.name}" already exists`);
    }
    const record: VirtualKeyRecord = {
      id: createKeyId(),
      name: key.name,
      prefix: key.prefix,
      hash: key.hash,
      createdAt: Date.now(),
      expiresAt: key.expiresAt ?? null,
      revokedAt: null,
      models: key.models == null ? null : [...key.models],
      source: key.source,
    };
    this.records.set(record.id, record);
    this.idsByHash.set(record.hash, record.id);
    return copyRecord(record);
  }

  async upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    const existing = this.findPreferredByName(key.name);
    if (existing === undefined) return this.insert(key);
    this.assertHashFree(key.hash, existing.id);
    this.idsByHash.delete(existing.hash);
    existing.hash = key.hash;
    existing.prefix = key.prefix;
    existing.expiresAt = key.expiresAt ?? null;
    existing.models = key.models == null ? null : [...key.models];
    existing.source = key.source;
    existing.revokedAt = null;
    this.idsByHash.set(existing.hash, existing.id);
    return copyRecord(existing);
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const id = this.idsByHash.get(hash);
    const record = id === undefined ? undefined : this.records.get(id);
    return record === undefined ? undefined : copyRecord(record);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const record = this.records.get(id);
    return record === undefined ? undefined : copyRecord(record);
  }

  async findByName(name: string): Promise<VirtualKeyRecord | undefined> {
    const record = this.findPreferredByName(name);
    return record === undefined ? undefined : copyRecord(record);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return [...this.records.values()].map(copyRecord);
  }

  async revoke(idOrName: string, at: number = Date.now()): Promise<boolean> {
    const byId = this.records.get(idOrName);
    const target = byId !== undefined && isLive(byId) ? byId : this.findLiveByName(idOrName);
    if (target === undefined) return false;
    target.revokedAt = at;
    return true;
  }

  private assertHashFree(hash: string, ownerId: string | undefined): void {
    const holder = this.idsByHash.get(hash);
    if (holder !== undefined && holder !== ownerId) {
      throw new DuplicateKeyError('another key already uses this secret');
    }
  }

  private findLiveByName(name: string): VirtualKeyRecord | undefined {
    for (const record of this.records.values()) {
      if (record.name === name && isLive(record)) return record;
    }
    return undefined;
  }

  /** The live key with that name, else the most recently created revoked one. */
  private findPreferredByName(name: string): VirtualKeyRecord | undefined {
    let latestRevoked: VirtualKeyRecord | undefined;
    for (const record of this.records.values()) {
      if (record.name !== name) continue;
      if (isLive(record)) return record;
      latestRevoked = record;
    }
    return latestRevoked;
  }
}
