/** Budgets run over calendar periods in UTC, so every replica agrees on when a day or month ends. */

export const MICROS_PER_USD = 1_000_000;

const MS_PER_DAY = 86_400_000;
/** The largest time a Date holds (ECMAScript TimeClip); beyond it `toISOString` throws. */
const MAX_TIME_MS = 8.64e15;

/** The names of the last UTC day asked for: every request of a day asks for the same two strings. */
const lastPeriods = { dayIndex: Number.NaN, day: '', month: '' };

function periodsOf(now: number): typeof lastPeriods {
  // A Date truncates its time value, so the truncated value decides the day.
  const dayIndex = Math.floor(Math.trunc(now) / MS_PER_DAY);
  if (dayIndex !== lastPeriods.dayIndex || !(Math.abs(now) <= MAX_TIME_MS)) {
    const iso = new Date(now).toISOString();
    lastPeriods.day = iso.slice(0, 10);
    lastPeriods.month = iso.slice(0, 7);
    lastPeriods.dayIndex = dayIndex;
  }
  return lastPeriods;
}

/** @example dayPeriod(Date.UTC(2025, 0, 31, 23, 59)) // '2025-01-31' */
export function dayPeriod(now: number): string {
  return periodsOf(now).day;
}

/** @example monthPeriod(Date.UTC(2025, 0, 31)) // '2025-01' */
export function monthPeriod(now: number): string {
  return periodsOf(now).month;
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
