export interface LatencySettings {
  /** Weight of the newest sample, 0 < smoothing ≤ 1. */
  smoothing: number;
  /** A deployment without a sample for this long counts as unknown again. */
  staleAfterMs: number;
}

interface Average {
  value: number;
  updatedAt: number;
}

interface DeploymentLatency {
  ttftMs?: Average;
  tokensPerSecond?: Average;
}

function blend(previous: Average | undefined, sample: number, smoothing: number, now: number): Average {
  if (previous === undefined) return { value: sample, updatedAt: now };
  return { value: previous.value + smoothing * (sample - previous.value), updatedAt: now };
}

/**
 * Exponentially weighted moving averages of time to first token and of output tokens per second,
 * per deployment, fed by real calls. `least-latency` orders candidates by `expectedMs`.
 *
 * @example
 * tracker.recordTtft('gpt-4o-eu', 420, Date.now());
 * tracker.expectedMs('gpt-4o-eu', 200, Date.now()) // ≈ 420 + 200 tokens at the measured speed
 */
export class LatencyTracker {
  private readonly deployments = new Map<string, DeploymentLatency>();

  constructor(
    private readonly settings: LatencySettings,
    private readonly clock: () => number = Date.now,
  ) {}

  recordTtft(deployment: string, milliseconds: number, now = this.clock()): void {
    if (!Number.isFinite(milliseconds) || milliseconds < 0) return;
    const entry = this.entry(deployment);
    entry.ttftMs = blend(this.fresh(entry.ttftMs, now), milliseconds, this.settings.smoothing, now);
  }

  recordThroughput(deployment: string, tokensPerSecond: number, now = this.clock()): void {
    if (!Number.isFinite(tokensPerSecond) || tokensPerSecond <= 0) return;
    const entry = this.entry(deployment);
    entry.tokensPerSecond = blend(
      this.fresh(entry.tokensPerSecond, now),
      tokensPerSecond,
      this.settings.smoothing,
      now,
    );
  }

  /** Current average tokens/s, if known and fresh. */
  tokensPerSecond(deployment: string, now = this.clock()): number | undefined {
    return this.fresh(this.deployments.get(deployment)?.tokensPerSecond, now)?.value;
  }

  /**
   * Expected milliseconds until `outputTokens` tokens are out: TTFT + tokens at the measured speed.
   * Undefined when no fresh TTFT is known (the caller explores such deployments first).
   */
  expectedMs(deployment: string, outputTokens: number, now = this.clock()): number | undefined {
    const entry = this.deployments.get(deployment);
    const ttft = this.fresh(entry?.ttftMs, now);
    if (ttft === undefined) return undefined;
    const speed = this.fresh(entry?.tokensPerSecond, now)?.value;
    return ttft.value + (speed === undefined ? 0 : (outputTokens * 1000) / speed);
  }

  /** Every deployment's averages, for diagnostics. */
  snapshot(): Record<string, { ttftMs?: number; tokensPerSecond?: number }> {
    const result: Record<string, { ttftMs?: number; tokensPerSecond?: number }> = {};
    for (const [deployment, entry] of this.deployments) {
      result[deployment] = {
        ...(entry.ttftMs && { ttftMs: Math.round(entry.ttftMs.value) }),
        ...(entry.tokensPerSecond && { tokensPerSecond: Math.round(entry.tokensPerSecond.value) }),
      };
    }
    return result;
  }

  private fresh(average: Average | undefined, now: number): Average | undefined {
    return average !== undefined && now - average.updatedAt <= this.settings.staleAfterMs
      ? average
      : undefined;
  }

  private entry(deployment: string): DeploymentLatency {
    let entry = this.deployments.get(deployment);
    if (entry === undefined) {
      entry = {};
      this.deployments.set(deployment, entry);
    }
    return entry;
  }
}
