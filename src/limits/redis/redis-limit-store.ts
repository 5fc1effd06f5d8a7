import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { dayPeriod, monthPeriod } from '../budget-periods.js';
import { budgetFor } from '../check-scope.js';
import type {
  AcquireRequest,
  ActualUsage,
  LimitDecision,
  LimitDimension,
  LimitScope,
  LimitStore,
  Reservation,
  ScopeCounters,
} from '../limit-store.js';
import { WINDOW_MS, windowPosition } from '../sliding-window.js';
import {
  ACQUIRE_FIXED_ARGS,
  ACQUIRE_KEYS_PER_SCOPE,
  ACQUIRE_SCRIPT,
  ADJUST_SCRIPT,
  COUNTERS_PER_SCOPE,
} from './limit-scripts.js';

const DAY_MS = 86_400_000;
// Counters outlive their period by a day, so a reconcile that lands just after midnight still counts.
const DAY_TTL_MS = 2 * DAY_MS;
const MONTH_TTL_MS = 32 * DAY_MS;

export interface RedisLimitStoreOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Prefix of every key (default `converge:limits:`); lets several gateways share one Redis. */
  keyPrefix?: string;
  /** How long a concurrency slot is held without `renew` — and after a replica died (default 60 s). */
  leaseMs?: number;
  /** A command not answered in this time fails (then `onStoreError` decides) (default 1 s). */
  commandTimeoutMs?: number;
  /** How long `open` and each reconnect attempt wait for a connection (default 2 s). */
  connectTimeoutMs?: number;
}

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const acquireScript = script(ACQUIRE_SCRIPT);
const adjustScript = script(ADJUST_SCRIPT);

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** -1 stands for "no limit" in the scripts. */
const orNone = (value: number | undefined) => String(value ?? -1);

function scopeArguments(scope: LimitScope): string[] {
  const { rpm, tpm, concurrency } = scope.limits;
  const day = budgetFor(scope.limits, 'day');
  const month = budgetFor(scope.limits, 'month');
  return [
    orNone(rpm),
    orNone(tpm),
    orNone(concurrency),
    orNone(day?.limitMicros),
    day?.hard === true ? '1' : '0',
    orNone(month?.limitMicros),
    month?.hard === true ? '1' : '0',
  ];
}

function toCounters(values: readonly unknown[], offset: number): ScopeCounters {
  const at = (index: number) => Number(values[offset + index] ?? 0);
  return {
    requests: { current: at(0), previous: at(1) },
    tokens: { current: at(2), previous: at(3) },
    concurrent: at(4),
    spentMicros: { day: at(5), month: at(6) },
  };
}

/**
 * The cluster LimitStore: every replica shares one Redis. `acquire` is one EVALSHA of a Lua script
 * that checks and reserves every limit atomically; counters are plain integers with TTLs (tokens,
 * requests, and spend in integer micro-dollars); concurrency slots are leases in a sorted set, scored
 * by expiry, so the slots of a replica that died free themselves after `leaseMs`. Commands fail fast
 * while Redis is unreachable (no offline queue) so the gateway can apply `onStoreError` at once.
 *
 * @example
 * const store = await RedisLimitStore.open({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 */
export class RedisLimitStore implements LimitStore {
  private readonly prefix: string;
  private readonly leaseMs: number;

  private constructor(
    private readonly redis: Redis,
    options: RedisLimitStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'converge:limits:';
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /**
   * Connects and returns the store. An unreachable Redis is not fatal: the client keeps
   * reconnecting in the background and each call fails until it is back.
   */
  static async open(
    options: RedisLimitStoreOptions,
    onConnectError?: (error: unknown) => void,
  ): Promise<RedisLimitStore> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: options.connectTimeoutMs ?? 2_000,
    });
    // Without a listener ioredis prints every reconnect failure; the caller's log gets them instead.
    redis.on('error', (error: unknown) => onConnectError?.(error));
    const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        onConnectError?.(
          new Error(`Redis at ${redactUrl(options.url)} not ready within ${connectTimeoutMs} ms`),
        );
        resolve();
      }, connectTimeoutMs);
    });
    // A start never waits longer than the timeout; a late connection is used once it is ready.
    const connected = redis.connect().catch((error: unknown) => onConnectError?.(error));
    await Promise.race([connected, timedOut]);
    clearTimeout(timer);
    return new RedisLimitStore(redis, options);
  }

  async acquire(request: AcquireRequest): Promise<LimitDecision> {
    const position = windowPosition(request.now);
    const day = dayPeriod(request.now);
    const month = monthPeriod(request.now);
    const keys: string[] = [];
    const limitArguments: string[] = [];
    for (const scope of request.scopes) {
      keys.push(...this.scopeKeys(scope.id, position.index, day, month));
      limitArguments.push(...scopeArguments(scope));
    }
    const fixed = [
      String(request.now),
      String(WINDOW_MS),
      String(request.tokens),
      String(request.costMicros),
      request.reservationId,
      String(request.now + this.leaseMs),
      String(2 * this.leaseMs),
      String(DAY_TTL_MS),
      String(MONTH_TTL_MS),
      String(request.scopes.length),
    ];
    if (fixed.length !== ACQUIRE_FIXED_ARGS) throw new Error('acquire arguments out of sync with the script');
    const reply = (await this.run(acquireScript, keys, [...fixed, ...limitArguments])) as unknown[];
    const counters = request.scopes.map((_, index) => toCounters(reply, 2 + index * COUNTERS_PER_SCOPE));
    const rejectedScope = Number(reply[0]);
    if (rejectedScope > 0) {
      const dimension = String(reply[1]) as LimitDimension;
      return {
        allowed: false,
        rejection: { scopeIndex: rejectedScope - 1, dimension },
        counters,
        now: request.now,
      };
    }
    const reservation: Reservation = {
      id: request.reservationId,
      scopes: request.scopes,
      tokens: request.tokens,
      costMicros: request.costMicros,
      windowIndex: position.index,
      day,
      month,
    };
    return { allowed: true, reservation, counters, now: request.now };
  }

  async reconcile(reservation: Reservation, actual: ActualUsage): Promise<void> {
    const tokenDelta = String(Math.round(actual.tokens - reservation.tokens));
    const costDelta = String(Math.round(actual.costMicros - reservation.costMicros));
    const keys: string[] = [];
    const deltas: string[] = [];
    for (const scope of reservation.scopes) {
      const [, , tokens, , , spendDay, spendMonth] = this.scopeKeys(
        scope.id,
        reservation.windowIndex,
        reservation.day,
        reservation.month,
      );
      const adjust = (key: string | undefined, delta: string) => {
        if (key === undefined) return;
        keys.push(key);
        deltas.push(delta);
      };
      if (scope.limits.tpm !== undefined) adjust(tokens, tokenDelta);
      if (budgetFor(scope.limits, 'day') !== undefined) adjust(spendDay, costDelta);
      if (budgetFor(scope.limits, 'month') !== undefined) adjust(spendMonth, costDelta);
    }
    if (keys.length > 0) await this.run(adjustScript, keys, deltas);
  }

  async release(reservation: Reservation): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const scope of reservation.scopes) {
      if (scope.limits.concurrency !== undefined) pipeline.zrem(this.leaseKey(scope.id), reservation.id);
    }
    if (pipeline.length > 0) await pipeline.exec();
  }

  async renew(reservations: readonly Reservation[], now: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const reservation of reservations) {
      for (const scope of reservation.scopes) {
        if (scope.limits.concurrency === undefined) continue;
        // XX: only a lease still held is extended; one that already expired stays freed.
        pipeline.zadd(this.leaseKey(scope.id), 'XX', String(now + this.leaseMs), reservation.id);
        pipeline.pexpire(this.leaseKey(scope.id), 2 * this.leaseMs);
      }
    }
    if (pipeline.length > 0) await pipeline.exec();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private leaseKey(scopeId: string): string {
    return `${this.prefix}${scopeId}:leases`;
  }

  /** The acquire script's keys for one scope, in ACQUIRE_KEYS_PER_SCOPE order. */
  private scopeKeys(scopeId: string, windowIndex: number, day: string, month: string): string[] {
    const base = `${this.prefix}${scopeId}`;
    const keys = [
      `${base}:requests:${windowIndex}`,
      `${base}:requests:${windowIndex - 1}`,
      `${base}:tokens:${windowIndex}`,
      `${base}:tokens:${windowIndex - 1}`,
      this.leaseKey(scopeId),
      `${base}:spend:${day}`,
      `${base}:spend:${month}`,
    ];
    if (keys.length !== ACQUIRE_KEYS_PER_SCOPE) throw new Error('acquire keys out of sync with the script');
    return keys;
  }

  /** EVALSHA, loading the script on the first NOSCRIPT (a fresh or flushed Redis). */
  private async run(target: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(target.sha, keys.length, ...keys, ...args);
    } catch (error: unknown) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.redis.eval(target.source, keys.length, ...keys, ...args);
    }
  }
}
