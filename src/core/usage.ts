/**
 * Normalised token usage. `inputTokens` counts every prompt token, including those read from or
 * written to a provider's prompt cache; `cacheReadTokens` and `cacheWriteTokens` are subsets of it.
 * `outputTokens` includes `reasoningTokens`. Providers convert their own shapes into this one, so the
 * cost and limit code never needs to know which cloud answered.
 *
 * @example
 * const usage: Usage = { ...emptyUsage(), inputTokens: 1200, cacheReadTokens: 1024, outputTokens: 40 };
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

/** Adds `b` to `a` field by field and returns a new object. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
