import type { CachePointMark } from './prompt-accumulator.js';

export interface CacheUsage {
  /** Prefix tokens served from the cache. */
  readTokens: number;
  /** Tokens between the cached prefix and the last cache point, written now. */
  writeTokens: number;
}

/**
 * Bedrock's explicit prompt caching (Claude semantics): the longest prefix ending at a cache point that
 * was written before and has not expired is read; everything from there to the last cache point is
 * written. Points shorter than the model's minimum are ignored. A bounded LRU, so memory stays flat.
 */
export class BedrockPromptCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries: number) {}

  /**
   * @example cache.apply('bedrock|anthropic.claude-3-7-sonnet-20250219-v1:0', prompt.cachePoints, 1024, Date.now())
   */
  apply(scope: string, points: readonly CachePointMark[], minTokens: number, now: number): CacheUsage {
    const eligible = points.filter((point) => point.tokens >= minTokens);
    const last = eligible.at(-1);
    if (last === undefined) return { readTokens: 0, writeTokens: 0 };
    let readTokens = 0;
    for (const point of eligible) {
      const expiresAt = this.entries.get(`${scope}|${point.fingerprint}`);
      if (expiresAt !== undefined && expiresAt > now) readTokens = Math.max(readTokens, point.tokens);
    }
    for (const point of eligible) {
      const key = `${scope}|${point.fingerprint}`;
      // delete + set moves the key to the young end of the Map: that is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, now + point.ttlMs);
    }
    this.evict();
    return { readTokens, writeTokens: last.tokens - readTokens };
  }

  private evict(): void {
    let excess = this.entries.size - this.maxEntries;
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
