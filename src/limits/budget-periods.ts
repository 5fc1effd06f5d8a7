/** Budgets run over calendar periods in UTC, so every replica agrees on when a day or month ends. */

export const MICROS_PER_USD = 1_000_000;

/** @example dayPeriod(Date.UTC(2025, 0, 31, 23, 59)) // '2025-01-31' */
export function dayPeriod(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** @example monthPeriod(Date.UTC(2025, 0, 31)) // '2025-01' */
export function monthPeriod(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/**
 * Milliseconds until the period containing `now` ends (the next UTC midnight or first of a month).
 *
 * @example msUntilPeriodEnd('day', Date.UTC(2024, 1, 28, 12)) // 43_200_000
 */
export function msUntilPeriodEnd(period: 'day' | 'month', now: number): number {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const end = period === 'day' ? Date.UTC(year, month, date.getUTCDate() + 1) : Date.UTC(year, month + 1, 1);
  return end - now;
}

/**
 * USD → integer micro-dollars, rounded up so a reservation never undercounts.
 *
 * @example usdToMicros(0.007) // 7_000
 */
export function usdToMicros(usd: number): number {
  return Math.ceil(usd * MICROS_PER_USD - 1e-6);
}
