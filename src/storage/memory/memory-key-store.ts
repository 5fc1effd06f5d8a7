import {
  applyKeyPatch,
  buildKeyRecord,
  buildRotatedKeyRecords,
  buildUpsertedKeyRecord,
  copyKeyRecord,
  isLiveKeyRecord,
} from '../build-key-record.js';
import { createKeyId } from '../create-key-id.js';
import {
  DuplicateKeyError,
  type KeyPatch,
  type KeyStore,
  type NewVirtualKey,
  type VirtualKeyRecord,
} from '../types.js';

/**
 * Keys in a `Map`, for tests and `storage.type: memory`. Behaves exactly like the SQLite store (the
 * shared conformance suite proves it) and hands out copies, so callers can't mutate stored records.
 * Every method checks before it writes, so a rejected call changes nothing.
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
    this.assertNameFree(key.name, undefined);
    const record = buildKeyRecord(key, createKeyId(), Date.now());
    this.store(record);
    return copyKeyRecord(record);
  }

  async upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    const existing = this.findPreferredByName(key.name);
    if (existing === undefined) return this.insert(key);
    this.assertHashFree(key.hash, existing.id);
    const next = buildUpsertedKeyRecord(existing, key, Date.now());
    this.store(next);
    return copyKeyRecord(next);
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const id = this.idsByHash.get(hash);
    return id === undefined ? undefined : this.findCopy(id);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    return this.findCopy(id);
  }

  async findByName(name: string): Promise<VirtualKeyRecord | undefined> {
    const record = this.findPreferredByName(name);
    return record === undefined ? undefined : copyKeyRecord(record);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return [...this.records.values()].map(copyKeyRecord);
  }

  async listUpdatedSince(since: number): Promise<VirtualKeyRecord[]> {
    // Stable sort over creation order: ties stay in creation order.
    return [...this.records.values()]
      .filter((record) => record.updatedAt > since)
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .map(copyKeyRecord);
  }

  async revoke(idOrName: string, at: number = Date.now()): Promise<boolean> {
    const byId = this.records.get(idOrName);
    const targets =
      byId !== undefined && byId.revokedAt === null
        ? [byId]
        : [...this.records.values()].filter(
            (record) => record.name === idOrName && record.revokedAt === null,
          );
    for (const record of targets) this.store({ ...record, revokedAt: at, updatedAt: at });
    return targets.length > 0;
  }

  async update(id: string, patch: KeyPatch, at: number = Date.now()): Promise<VirtualKeyRecord | undefined> {
    const record = this.records.get(id);
    if (record === undefined || !isLiveKeyRecord(record)) return undefined;
    const next = applyKeyPatch(record, patch, at);
    this.assertNameFree(next.name, id);
    this.store(next);
    return copyKeyRecord(next);
  }

  async moveUserKeys(userId: string, teamId: string | null, at: number = Date.now()): Promise<number> {
    const moving = [...this.records.values()].filter(
      (record) => record.userId === userId && record.revokedAt === null,
    );
    for (const record of moving) this.store({ ...record, teamId, updatedAt: at });
    return moving.length;
  }

  async rotate(
    id: string,
    next: Parameters<KeyStore['rotate']>[1],
    oldExpiresAt: number,
    at: number = Date.now(),
  ): Promise<{ old: VirtualKeyRecord; created: VirtualKeyRecord } | undefined> {
    const live = this.records.get(id);
    if (live === undefined || !isLiveKeyRecord(live)) return undefined;
    this.assertHashFree(next.hash, undefined);
    const rotated = buildRotatedKeyRecords(live, next, createKeyId(), oldExpiresAt, at);
    this.store(rotated.old);
    this.store(rotated.created);
    return { old: copyKeyRecord(rotated.old), created: copyKeyRecord(rotated.created) };
  }

  /** Writes a whole record (a copy), keeping the hash index current. */
  private store(record: VirtualKeyRecord): void {
    const previous = this.records.get(record.id);
    if (previous !== undefined) this.idsByHash.delete(previous.hash);
    this.records.set(record.id, copyKeyRecord(record));
    this.idsByHash.set(record.hash, record.id);
  }

  private findCopy(id: string): VirtualKeyRecord | undefined {
    const record = this.records.get(id);
    return record === undefined ? undefined : copyKeyRecord(record);
  }

  private assertHashFree(hash: string, ownerId: string | undefined): void {
    const holder = this.idsByHash.get(hash);
    if (holder !== undefined && holder !== ownerId) {
      throw new DuplicateKeyError('another key already uses this secret');
    }
  }

  private assertNameFree(name: string, ownerId: string | undefined): void {
    for (const record of this.records.values()) {
      if (record.name === name && record.id !== ownerId && isLiveKeyRecord(record)) {
        throw new DuplicateKeyError(`a live key named "${name}" already exists`);
      }
    }
  }

  /** The live key with that name, else the most recently created one with it. */
  private findPreferredByName(name: string): VirtualKeyRecord | undefined {
    let latest: VirtualKeyRecord | undefined;
    for (const record of this.records.values()) {
      if (record.name !== name) continue;
      if (isLiveKeyRecord(record)) return record;
      latest = record;
    }
    return latest;
  }
}
