import { PROMPT_CACHE_MIN_TOKENS, PROMPT_CACHE_STEP_TOKENS } from './prompt-meter.js';

export interface PrefixCacheOptions {
  ttlMs: number;
  maxEntries: number;
}

/**
 * Emulates OpenAI's automatic prompt caching: a prompt's cached tokens are the longest previously seen
 * prefix (same scope, i.e. model + key or deployment) at a 128-token boundary of at least 1024 tokens.
 * A bounded LRU (a Map in insertion order) so memory stays flat however many prompts go by.
 */
export class PrefixCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly options: PrefixCacheOptions) {}

  /**
   * Returns the cached token count for these boundaries and then records all of them as seen.
   * @example cache.lookupAndStore('openai:key:gpt-4o', meter.boundaries, Date.now()) // 0, then 1024+
   */
  lookupAndStore(scope: string, boundaries: readonly string[], now: number): number {
    if (boundaries.length === 0) return 0;
    let cached = 0;
    for (let index = boundaries.length - 1; index >= 0; index--) {
      const expiresAt = this.entries.get(`${scope}|${boundaries[index]}`);
      if (expiresAt !== undefined && expiresAt > now) {
        cached = PROMPT_CACHE_MIN_TOKENS + index * PROMPT_CACHE_STEP_TOKENS;
        break;
      }
    }
    const expiresAt = now + this.options.ttlMs;
    for (const boundary of boundaries) {
      const key = `${scope}|${boundary}`;
      // delete + set moves the key to the young end of the Map: that is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, expiresAt);
    }
    this.evict();
    return cached;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const excess = this.entries.size - this.options.maxEntries;
    if (excess <= 0) return;
    let removed = 0;
    for (const key of this.entries.keys()) {
      if (removed++ >= excess) break;
      this.entries.delete(key);
    }
  }
}
