import type { ResolvedSandboxOptions } from '../sandbox-options.js';
import { SandboxStats } from '../sandbox-stats.js';
import { CapacityLimiter } from './capacity-limiter.js';
import { FaultInjector } from './faults.js';
import { PrefixCache } from './prefix-cache.js';
import { type EncodingName, loadEncoding } from './tokenizer.js';

/** Request bodies above this are refused (the real APIs refuse somewhere in the tens of MB). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The state every emulated provider shares: options, capacity windows, prompt-prefix cache, fault
 * draws and stats. One per running sandbox, so two sandboxes in one process never interfere.
 */
export class SandboxEngine {
  readonly limiter = new CapacityLimiter();
  readonly prefixCache: PrefixCache;
  readonly faults: FaultInjector;
  readonly stats = new SandboxStats();

  constructor(readonly options: ResolvedSandboxOptions) {
    this.prefixCache = new PrefixCache(options.promptCache);
    this.faults = new FaultInjector(options.faults.rate, options.faults.seed);
  }

  /** Loads the tokenizers the configured models use, so requests never wait for a rank table. */
  async warmUp(): Promise<void> {
    const encodings = new Set<EncodingName>(['o200k_base']);
    for (const model of Object.values(this.options.models)) encodings.add(model.encoding);
    await Promise.all([...encodings].map((name) => loadEncoding(name)));
  }
}
