import type { KeyStore, TeamRecord, TeamStore, VirtualKeyRecord } from '../../storage/types.js';
import type { Principal } from '../gateway-context.js';
import { buildPrincipal, type KeyDefaults } from './build-principal.js';

/** The slice of a pino logger the snapshot uses. */
export interface SnapshotLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface SnapshotEntry {
  record: VirtualKeyRecord;
  /** Built on first use after a change; null when the key's team is gone (the key is unusable). */
  principal?: Principal | null;
}

/**
 * Changes are read from a little before the newest one seen: a write stamped earlier by another
 * replica's clock, or committed after our last read, is still picked up (re-applying is harmless).
 */
const OVERLAP_MS = 5_000;
/** Unknown secrets refresh at most this often, so a flood of bad keys costs bounded queries. */
const MISS_REFRESH_INTERVAL_MS = 250;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Every key and team in memory, kept current by incremental reads (see `createKeyResolver`). One
 * refresh runs at a time; callers that ask during one share it.
 */
export class KeySnapshot {
  private readonly hashes = new Map<string, SnapshotEntry>();
  private readonly ids = new Map<string, SnapshotEntry>();
  private readonly teams = new Map<string, TeamRecord>();
  /** The newest `updatedAt` applied; reads ask for what changed after it (minus the overlap). */
  private keyWatermark = 0;
  private teamWatermark = 0;
  private running: Promise<void> | undefined;
  /** One more read, to start when the running one ends. */
  private queued: Promise<void> | undefined;
  private initial: Promise<void> | undefined;
  private loadedOnce = false;
  private lastMissRefresh = Number.NEGATIVE_INFINITY;
  private lastErrorLog = Number.NEGATIVE_INFINITY;
  /** False after a failed read, until one succeeds. */
  healthy = true;

  constructor(
    private readonly keys: KeyStore,
    private readonly teamStore: TeamStore | undefined,
    private readonly defaults: KeyDefaults,
    private readonly log: SnapshotLog | undefined,
  ) {}

  /** Resolves once a first load was attempted (retried on the next call when it failed). */
  ready(): Promise<void> {
    if (this.loadedOnce) return Promise.resolve();
    this.initial ??= this.refresh().finally(() => {
      this.initial = undefined;
    });
    return this.initial;
  }

  byHash(hash: string): SnapshotEntry | undefined {
    return this.hashes.get(hash);
  }

  byId(id: string): SnapshotEntry | undefined {
    return this.ids.get(id);
  }

  principalOf(entry: SnapshotEntry): Principal | undefined {
    if (entry.principal === undefined) {
      const teamId = entry.record.teamId;
      const team = teamId === null ? undefined : this.teams.get(teamId);
      const teamGone = teamId !== null && (team === undefined || team.deletedAt !== null);
      entry.principal = teamGone ? null : buildPrincipal(entry.record, team, this.defaults);
    }
    return entry.principal ?? undefined;
  }

  /** A refresh for a secret the snapshot does not know, rate-limited. */
  refreshOnMiss(): Promise<void> {
    if (this.running !== undefined) return this.running;
    const now = performance.now();
    if (now - this.lastMissRefresh < MISS_REFRESH_INTERVAL_MS) return Promise.resolve();
    this.lastMissRefresh = now;
    return this.refresh();
  }

  /**
   * Reads what changed and applies it; resolves once a read that started after this call is
   * applied (a read already under way may predate a write the caller just made). Never rejects.
   */
  refresh(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.load().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  private async load(): Promise<void> {
    try {
      const [keys, teams] = await Promise.all([
        this.keys.listUpdatedSince(Math.max(-1, this.keyWatermark - OVERLAP_MS)),
        this.teamStore?.listUpdatedSince(Math.max(-1, this.teamWatermark - OVERLAP_MS)) ?? [],
      ]);
      this.applyTeams(teams);
      this.applyKeys(keys);
      if (!this.healthy) this.log?.info({ keys: this.ids.size }, 'the key store answers again');
      this.healthy = true;
      this.loadedOnce = true;
    } catch (error: unknown) {
      this.healthy = false;
      const now = performance.now();
      if (now - this.lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
        this.lastErrorLog = now;
        this.log?.warn({ err: error }, 'cannot refresh keys and teams; serving from memory');
      }
    }
  }

  private applyTeams(teams: readonly TeamRecord[]): void {
    // Compared by content, not `updatedAt`: two writes can share a millisecond, and the overlap
    // re-reads the newest records every time.
    let changed = false;
    for (const team of teams) {
      const known = this.teams.get(team.id);
      if (known === undefined || JSON.stringify(known) !== JSON.stringify(team)) changed = true;
      this.teams.set(team.id, team);
      if (team.updatedAt > this.teamWatermark) this.teamWatermark = team.updatedAt;
    }
    // Team rules are folded into principals: rebuild them lazily (teams change rarely).
    if (changed) for (const entry of this.ids.values()) entry.principal = undefined;
  }

  private applyKeys(keys: readonly VirtualKeyRecord[]): void {
    for (const record of keys) {
      const known = this.ids.get(record.id);
      if (known !== undefined && JSON.stringify(known.record) === JSON.stringify(record)) continue;
      if (known !== undefined && known.record.hash !== record.hash) this.hashes.delete(known.record.hash);
      const entry: SnapshotEntry = { record };
      this.ids.set(record.id, entry);
      this.hashes.set(record.hash, entry);
      if (record.updatedAt > this.keyWatermark) this.keyWatermark = record.updatedAt;
    }
  }
}
