import { applyTeamPatch, buildTeamRecord, copyTeamRecord } from '../build-team-record.js';
import { createRecordId } from '../create-record-id.js';
import {
  DuplicateKeyError,
  type NewTeam,
  type TeamPatch,
  type TeamRecord,
  type TeamStore,
} from '../types.js';

/**
 * Teams in a `Map`, for tests and `storage.type: memory`. Same behaviour as the SQLite store (the
 * shared conformance suite proves it); hands out copies.
 *
 * @example
 * const teams = new MemoryTeamStore();
 * await teams.insert({ name: 'search', budget: { usdPerDay: 50 } });
 */
export class MemoryTeamStore implements TeamStore {
  /** In creation order, which is the order `list()` returns. */
  private readonly records = new Map<string, TeamRecord>();

  async insert(team: NewTeam): Promise<TeamRecord> {
    this.assertNameFree(team.name, undefined);
    const record = buildTeamRecord(team, createRecordId('team'), Date.now());
    this.records.set(record.id, copyTeamRecord(record));
    return record;
  }

  async update(id: string, patch: TeamPatch, at: number = Date.now()): Promise<TeamRecord | undefined> {
    const record = this.records.get(id);
    if (record === undefined || record.deletedAt !== null) return undefined;
    const next = applyTeamPatch(record, patch, at);
    this.assertNameFree(next.name, id);
    this.records.set(id, copyTeamRecord(next));
    return copyTeamRecord(next);
  }

  async findById(id: string): Promise<TeamRecord | undefined> {
    const record = this.records.get(id);
    return record === undefined ? undefined : copyTeamRecord(record);
  }

  async findByName(name: string): Promise<TeamRecord | undefined> {
    let latest: TeamRecord | undefined;
    for (const record of this.records.values()) {
      if (record.name !== name) continue;
      if (record.deletedAt === null) return copyTeamRecord(record);
      latest = record;
    }
    return latest === undefined ? undefined : copyTeamRecord(latest);
  }

  async list(): Promise<TeamRecord[]> {
    return [...this.records.values()].filter((record) => record.deletedAt === null).map(copyTeamRecord);
  }

  async listUpdatedSince(since: number): Promise<TeamRecord[]> {
    // Stable sort over creation order: ties stay in creation order.
    return [...this.records.values()]
      .filter((record) => record.updatedAt > since)
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .map(copyTeamRecord);
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    const record = this.records.get(id);
    if (record === undefined || record.deletedAt !== null) return false;
    this.records.set(id, { ...record, deletedAt: at, updatedAt: at });
    return true;
  }

  private assertNameFree(name: string, ownerId: string | undefined): void {
    for (const record of this.records.values()) {
      if (record.name === name && record.id !== ownerId && record.deletedAt === null) {
        throw new DuplicateKeyError(`a team named "${name}" already exists`);
      }
    }
  }
}
