/**
 * Exact decimal arithmetic for money. Prices are entered as decimal numbers (YAML floats such as
 * `0.00875`); converting them through their shortest decimal spelling into scaled integers keeps
 * every later step exact, so a sum of costs is exact to the cent however many rows it adds.
 */

/** Thrown when a value has more decimal places than its scale can hold exactly. */
export class DecimalPrecisionError extends Error {
  constructor(value: number, decimals: number) {
    super(`${value} has more than ${decimals} decimal places`);
    this.name = 'DecimalPrecisionError';
  }
}

/**
 * `value × 10^decimals` as an exact bigint; throws when `value` is negative, not finite or has more
 * decimal places than `decimals`.
 *
 * @example
 * scaleDecimal(0.00875, 6) // 8750n  (micro-USD)
 * scaleDecimal(12.5, 4)    // 125000n
 */
export function scaleDecimal(value: number, decimals: number): bigint {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${value} is not a non-negative number`);
  // The shortest round-trip spelling is the literal that was written (for up to 15 significant digits).
  const text = value.toString();
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (match === null) throw new RangeError(`cannot read ${text} as a decimal`);
  const [, whole = '0', fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  // digits × 10^(exponent − fraction.length) is the exact value.
  const digits = BigInt(whole + fraction);
  const shift = decimals + exponent - fraction.length;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) throw new DecimalPrecisionError(value, decimals);
  return digits / divisor;
}

/**
 * True when `value` fits `decimals` decimal places exactly.
 *
 * @example
 * hasAtMostDecimals(0.00875, 6) // true
 */
export function hasAtMostDecimals(value: number, decimals: number): boolean {
  try {
    scaleDecimal(value, decimals);
    return true;
  } catch {
    return false;
  }
}

/**
 * Divides, rounding half up (the operands are never negative here).
 *
 * @example
 * divideRounded(15n, 10n) // 2n
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * Renders nano-USD as a plain decimal string with no trailing zeros: what `x-converge-cost-usd`
 * carries. `Number()` of the result equals `nanoUsd / 1e9` exactly (both are the double nearest
 * the same rational), so header and stored row agree.
 *
 * @example
 * formatNanoUsd(1_234_500n) // '0.0012345'
 * formatNanoUsd(0n)         // '0'
 */
export function formatNanoUsd(nanoUsd: bigint): string {
  const whole = nanoUsd / 1_000_000_000n;
  const fraction = (nanoUsd % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** A micro-USD amount as a decimal string (for tables), e.g. 8750n → '0.00875'. */
export function formatMicroUsd(microUsd: bigint): string {
  return formatNanoUsd(microUsd * 1000n);
}
