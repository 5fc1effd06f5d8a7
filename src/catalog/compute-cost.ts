import { divideRounded, formatNanoUsd, scaleDecimal } from './decimal-usd.js';

/**
 * Token rates as integers: micro-USD per 1M tokens, which is numerically pico-USD per token, so
 * `tokens × rate` is an exact pico-USD amount. Every field is set (absent catalog rates already
 * fell back to `input`).
 */
export interface TokenRateMicros {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
}

/**
 * Provisioned capacity (Azure PTU, Bedrock model units / reserved tier, Vertex GSU) bills by the
 * hour, not by the token. Each request is charged its share of the hour at the expected throughput:
 * `hourlyUsd × weightedTokens / expectedTokensPerHour`. See docs/catalog.md for why.
 */
export interface ProvisionedCost {
  hourlyMicroUsd: bigint;
  /** Weighted tokens the deployment is expected to serve per hour (capacity × planned utilisation). */
  expectedTokensPerHour: bigint;
  /** One output token counts as this many input tokens, in millionths (Azure gpt-4.1: 4×). */
  outputTokenWeightPpm: bigint;
  /** One cache-read token counts as this many input tokens, in millionths (Azure PTU and Bedrock: 0). */
  cacheReadTokenWeightPpm: bigint;
}

/** A deployment's price, resolved once at start: list or explicit rates, discount, capacity. */
export interface EffectivePrice {
  standard: TokenRateMicros;
  /** Rates for the whole request when its prompt is longer than `aboveInputTokens`. */
  longContext?: TokenRateMicros & { aboveInputTokens: number };
  /** Multiplier on token rates in millionths: 1_000_000n is list price, 875_000n is 12.5% off. */
  multiplierPpm: bigint;
  /** When set, token rates are not charged; the hourly cost is amortised instead. */
  provisioned?: ProvisionedCost;
}

/**
 * Usage as cost needs it. `inputTokens` counts every prompt token, cached or not (canonical
 * `Usage`); the cache counts are subsets of it, cache writes split by lifetime. `outputTokens`
 * includes reasoning tokens, which every provider bills as output.
 */
export interface CostUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
}

export type CostTier = 'standard' | 'long-context' | 'provisioned';

export interface RequestCost {
  /** The cost in nano-USD (1e-9), rounded half up once from the exact sum. */
  nanoUsd: bigint;
  /** The same amount as a plain decimal string, e.g. `'0.0042'`. */
  usd: string;
  tier: CostTier;
}

const ATTO_PER_NANO = 1_000_000_000n;
const PPM = 1_000_000n;

function tokens(count: number): bigint {
  return BigInt(Math.max(0, Math.round(count)));
}

/**
 * Rates from decimal USD per 1M tokens. Absent cache and output rates are billed at `input`: a
 * provider that reports a cache count without a known discount is charged list input, never less.
 *
 * @example
 * toRateMicros({ input: 3, output: 15, cacheRead: 0.3 }).cacheWrite5m // 3_000_000n
 */
export function toRateMicros(rates: {
  input: number;
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheWrite5m?: number | undefined;
  cacheWrite1h?: number | undefined;
}): TokenRateMicros {
  const input = scaleDecimal(rates.input, 6);
  const orInput = (value: number | undefined) => (value === undefined ? input : scaleDecimal(value, 6));
  return {
    input,
    output: orInput(rates.output),
    cacheRead: orInput(rates.cacheRead),
    cacheWrite5m: orInput(rates.cacheWrite5m),
    cacheWrite1h: orInput(rates.cacheWrite1h),
  };
}

function tokenCostAtto(usage: CostUsage, rates: TokenRateMicros, multiplierPpm: bigint): bigint {
  const cacheRead = tokens(usage.cacheReadTokens);
  const write5m = tokens(usage.cacheWrite5mTokens);
  const write1h = tokens(usage.cacheWrite1hTokens);
  const uncached = tokens(usage.inputTokens) - cacheRead - write5m - write1h;
  const pico =
    (uncached > 0n ? uncached : 0n) * rates.input +
    cacheRead * rates.cacheRead +
    write5m * rates.cacheWrite5m +
    write1h * rates.cacheWrite1h +
    tokens(usage.outputTokens) * rates.output;
  // pico-USD × millionths = atto-USD (1e-18), still exact.
  return pico * multiplierPpm;
}

function provisionedCostAtto(usage: CostUsage, provisioned: ProvisionedCost): bigint {
  const cacheRead = tokens(usage.cacheReadTokens);
  const uncachedAndWrites = tokens(usage.inputTokens) - cacheRead;
  const weightedPpm =
    (uncachedAndWrites > 0n ? uncachedAndWrites : 0n) * PPM +
    cacheRead * provisioned.cacheReadTokenWeightPpm +
    tokens(usage.outputTokens) * provisioned.outputTokenWeightPpm;
  // micro-USD × (tokens × 1e6) × 1e6 / tokens-per-hour = atto-USD.
  return divideRounded(provisioned.hourlyMicroUsd * weightedPpm * PPM, provisioned.expectedTokensPerHour);
}

/**
 * The exact cost of one request. Uncached input, cache reads, 5-minute and 1-hour cache writes and
 * output (reasoning included) are priced separately; when the prompt (`inputTokens`, cached tokens
 * included) is longer than the long-context threshold, the long-context rates apply to every token
 * of the request, as Anthropic, Google and OpenAI bill it. A provisioned deployment is charged its
 * amortised hourly cost instead. The sum is exact and rounded once, to the nano-dollar.
 *
 * @example
 * const price = { standard: toRateMicros({ input: 3, output: 15, cacheRead: 0.3 }), multiplierPpm: 1_000_000n };
 * computeCost({ inputTokens: 1200, cacheReadTokens: 1000, outputTokens: 50, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }, price);
 * // { nanoUsd: 1_650_000n, usd: '0.00165', tier: 'standard' }
 */
export function computeCost(usage: CostUsage, price: EffectivePrice): RequestCost {
  let atto: bigint;
  let tier: CostTier;
  if (price.provisioned !== undefined) {
    atto = provisionedCostAtto(usage, price.provisioned);
    tier = 'provisioned';
  } else if (price.longContext !== undefined && usage.inputTokens > price.longContext.aboveInputTokens) {
    atto = tokenCostAtto(usage, price.longContext, price.multiplierPpm);
    tier = 'long-context';
  } else {
    atto = tokenCostAtto(usage, price.standard, price.multiplierPpm);
    tier = 'standard';
  }
  const nanoUsd = divideRounded(atto, ATTO_PER_NANO);
  return { nanoUsd, usd: formatNanoUsd(nanoUsd), tier };
}
