/** Counters for one model (OpenAI) or deployment (Azure). */
export interface TargetStats {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Capacity 429s. */
  rejections: number;
  /** Injected faults, by header or by rate. */
  faults: number;
  /** Responses the client closed before they were complete (e.g. a stream it stopped reading). */
  abandoned: number;
}

/** Per provider (`openai`, `azure`, …), per model or deployment. */
export type SandboxStatsSnapshot = Record<string, Record<string, TargetStats>>;

/**
 * What the sandbox served, for tests (spillover, fault rates). Counting is a few additions per request.
 * @example sandbox.stats().azure?.['gpt-4o-ptu']?.rejections
 */
export class SandboxStats {
  private targets = new Map<string, TargetStats>();

  target(provider: string, name: string): TargetStats {
    const key = `${provider}\u0000${name}`;
    let stats = this.targets.get(key);
    if (!stats) {
      stats = {
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        rejections: 0,
        faults: 0,
        abandoned: 0,
      };
      this.targets.set(key, stats);
    }
    return stats;
  }

  snapshot(): SandboxStatsSnapshot {
    const result: SandboxStatsSnapshot = {};
    for (const [key, stats] of this.targets) {
      const [provider = '', name = ''] = key.split('\u0000');
      result[provider] ??= {};
      result[provider][name] = { ...stats };
    }
    return result;
  }

  reset(): void {
    this.targets = new Map();
  }
}
