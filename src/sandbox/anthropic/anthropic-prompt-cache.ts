/** The prompt up to the end of one content block: its token count and a digest of its content. */
export interface PromptCheckpoint {
  tokens: number;
  key: string;
}

/** A block carrying `cache_control`: the checkpoint at its end and the entry lifetime asked for. */
export interface CacheBreakpoint {
  checkpoint: number;
  ttl: '5m' | '1h';
}

export interface PromptCacheUsage {
  readTokens: number;
  writeTokens5m: number;
  writeTokens1h: number;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
/** How many block boundaries before a breakpoint the API checks for an earlier hit. */
const LOOKBACK_BLOCKS = 20;

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

/**
 * Emulates Anthropic's explicit prompt caching. Entries are written only at breakpoints whose prefix
 * reaches the model's minimum; a request reads the longest live entry found at a breakpoint or up to
 * 20 blocks before one, and writes (is billed `cache_creation`) the rest up to its last breakpoint,
 * split by the TTL of the breakpoint each stretch ends at. A hit refreshes the entry's lifetime.
 * A bounded LRU, so memory stays flat however many prompts go by.
 * @example const cache = new AnthropicPromptCache(50_000); cache.apply(scope, prompt.checkpoints, prompt.breakpoints, 1024, Date.now());
 */
export class AnthropicPromptCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  /**
   * @example cache.apply('key|model', checkpoints, [{ checkpoint: 3, ttl: '5m' }], 1024, Date.now())
   * // first call: { readTokens: 0, writeTokens5m: 1500, writeTokens1h: 0 }; repeat: readTokens 1500
   */
  apply(
    scope: string,
    checkpoints: readonly PromptCheckpoint[],
    breakpoints: readonly CacheBreakpoint[],
    minTokens: number,
    now: number,
  ): PromptCacheUsage {
    const usage: PromptCacheUsage = { readTokens: 0, writeTokens5m: 0, writeTokens1h: 0 };
    const eligible = eligibleBreakpoints(checkpoints, breakpoints, minTokens);
    if (eligible.length === 0) return usage;
    usage.readTokens = this.read(scope, checkpoints, eligible, now, true);
    let cursor = usage.readTokens;
    for (const breakpoint of eligible) {
      const checkpoint = checkpoints[breakpoint.checkpoint];
      if (checkpoint === undefined) continue;
      if (checkpoint.tokens > cursor) {
        if (breakpoint.ttl === '1h') usage.writeTokens1h += checkpoint.tokens - cursor;
        else usage.writeTokens5m += checkpoint.tokens - cursor;
        cursor = checkpoint.tokens;
      }
      this.store(`${scope}|${checkpoint.key}`, TTL_MS[breakpoint.ttl], now);
    }
    this.evict();
    return usage;
  }

  /** The tokens `apply` would read, without touching any entry (rate limits count uncached input). */
  peek(
    scope: string,
    checkpoints: readonly PromptCheckpoint[],
    breakpoints: readonly CacheBreakpoint[],
    minTokens: number,
    now: number,
  ): number {
    const eligible = eligibleBreakpoints(checkpoints, breakpoints, minTokens);
    return eligible.length === 0 ? 0 : this.read(scope, checkpoints, eligible, now, false);
  }

  get size(): number {
    return this.entries.size;
  }

  private read(
    scope: string,
    checkpoints: readonly PromptCheckpoint[],
    eligible: readonly CacheBreakpoint[],
    now: number,
    refresh: boolean,
  ): number {
    let best = 0;
    for (const breakpoint of eligible) {
      const earliest = Math.max(0, breakpoint.checkpoint - LOOKBACK_BLOCKS + 1);
      for (let index = breakpoint.checkpoint; index >= earliest; index--) {
        const checkpoint = checkpoints[index];
        if (checkpoint === undefined || checkpoint.tokens <= best) break;
        const key = `${scope}|${checkpoint.key}`;
        const entry = this.entries.get(key);
        if (entry === undefined) continue;
        if (entry.expiresAt <= now) continue;
        best = checkpoint.tokens;
        if (refresh) this.store(key, entry.ttlMs, now);
        break;
      }
    }
    return best;
  }

  private store(key: string, ttlMs: number, now: number): void {
    // An entry once written for an hour keeps that lifetime when a 5-minute breakpoint reuses it.
    const lifetime = Math.max(ttlMs, this.entries.get(key)?.ttlMs ?? 0);
    // delete + set moves the key to the young end of the Map: that is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, { expiresAt: now + lifetime, ttlMs: lifetime });
  }

  private evict(): void {
    let excess = this.entries.size - this.maxEntries;
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

/** Breakpoints whose prefix reaches the model's minimum; shorter ones are accepted but cache nothing. */
function eligibleBreakpoints(
  checkpoints: readonly PromptCheckpoint[],
  breakpoints: readonly CacheBreakpoint[],
  minTokens: number,
): CacheBreakpoint[] {
  return breakpoints.filter((breakpoint) => (checkpoints[breakpoint.checkpoint]?.tokens ?? 0) >= minTokens);
}
