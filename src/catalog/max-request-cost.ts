import { computeCost, type EffectivePrice, type RequestCost } from './compute-cost.js';

/** The largest of some bigints (`Math.max` takes numbers only). */
function maxOf(first: bigint, ...rest: bigint[]): bigint {
  let max = first;
  for (const value of rest) if (value > max) max = value;
  return max;
}

/**
 * An upper bound of what a request can cost on a price, for budget reservations: every prompt
 * token at the dearest prompt rate (uncached input, or a cache write, which can cost up to 2×) and
 * every possible output token at the output rate, in the tier the prompt size selects.
 *
 * @example
 * maxRequestCost(pricing.forTarget(target).price, estimate.promptTokens, estimate.maxOutputTokens).usd
 */
export function maxRequestCost(
  price: EffectivePrice,
  promptTokens: number,
  maxOutputTokens: number,
): RequestCost {
  const worstPrompt = (rates: EffectivePrice['standard']) => {
    const dearest = maxOf(rates.input, rates.cacheWrite5m, rates.cacheWrite1h);
    return { ...rates, input: dearest };
  };
  const longContext =
    price.longContext === undefined
      ? undefined
      : { ...worstPrompt(price.longContext), aboveInputTokens: price.longContext.aboveInputTokens };
  return computeCost(
    {
      inputTokens: promptTokens,
      outputTokens: maxOutputTokens,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    },
    {
      ...price,
      standard: worstPrompt(price.standard),
      ...(longContext === undefined ? {} : { longContext }),
    },
  );
}
