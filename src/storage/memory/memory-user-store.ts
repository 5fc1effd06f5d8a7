import { applyUserPatch, buildUserRecord, normalizeEmail } from '../build-user-record.js';
import { createRecordId } from '../create-record-id.js';
import {
  DuplicateKeyError,
  type NewUser,
  type TeamStore,
  UnknownKeyError,
  type UserPatch,
  type UserRecord,
  type UserStore,
} from '../types.js';

/**
 * Users in a `Map`, for tests and `storage.type: memory`. Checks `teamId` against the team store it
 * is given (only live teams count), as the SQLite store does; hands out copies.
 *
 * @example
 * const teams = new MemoryTeamStore();
 * const users = new MemoryUserStore(teams);
 */
export class MemoryUserStore implements UserStore {
  /** In creation order, which is the order `list()` returns. */
  private readonly records = new Map<string, UserRecord>();

  constructor(private readonly teams: Pick<TeamStore, 'findById'>) {}

  async insert(user: NewUser): Promise<UserRecord> {
    await this.assertLiveTeam(user.teamId);
    // Checked after the await, so no insert can slip in between the check and the write.
    this.assertEmailFree(user.email);
    const record = buildUserRecord(user, createRecordId('user'), Date.now());
    this.records.set(record.id, { ...record });
    return record;
  }

  async update(id: string, patch: UserPatch, at: number = Date.now()): Promise<UserRecord | undefined> {
    if (!this.isLive(id)) return undefined;
    if (patch.teamId !== undefined) await this.assertLiveTeam(patch.teamId);
    const record = this.records.get(id);
    // Re-read after the await: the user may have been deleted meanwhile.
    if (record === undefined || record.deletedAt !== null) return undefined;
    const next = applyUserPatch(record, patch, at);
    this.records.set(id, { ...next });
    return next;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const record = this.records.get(id);
    return record === undefined ? undefined : { ...record };
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const wanted = normalizeEmail(email);
    let latest: UserRecord | undefined;
    for (const record of this.records.values()) {
      if (normalizeEmail(record.email) !== wanted) continue;
      if (record.deletedAt === null) return { ...record };
      latest = record;
    }
    return latest === undefined ? undefined : { ...latest };
  }

  async list(filter: { teamId?: string } = {}): Promise<UserRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.deletedAt === null)
      .filter((record) => filter.teamId === undefined || record.teamId === filter.teamId)
      .map((record) => ({ ...record }));
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    const record = this.records.get(id);
    if (record === undefined || record.deletedAt !== null) return false;
    this.records.set(id, { ...record, deletedAt: at, updatedAt: at });
    return true;
  }

  private isLive(id: string): boolean {
    return this.records.get(id)?.deletedAt === null;
  }

  private async assertLiveTeam(teamId: string | null): Promise<void> {
    if (teamId == null) return;
    const team = await this.teams.findById(teamId);
    if (team === undefined || team.deletedAt !== null) {
      throw new UnknownKeyError(`no team has the id ${teamId}`);
    }
  }

  private assertEmailFree(email: string): void {
    const wanted = normalizeEmail(email);
    for (const record of this.records.values()) {
      if (record.deletedAt === null && normalizeEmail(record.email) === wanted) {
        throw new DuplicateKeyError(`a user with the email ${email} already exists`);
      }
    }
  }
}
