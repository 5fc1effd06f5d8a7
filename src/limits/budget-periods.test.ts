import { describe, expect, it } from 'vitest';
import { dayPeriod, monthPeriod, msUntilPeriodEnd, usdToMicros } from './budget-periods.js';

describe('budget periods (UTC)', () => {
  it('names the day and month of a time', () => {
    const lastMinuteOfJanuary = Date.UTC(2025, 0, 31, 23, 59);
    expect(dayPeriod(lastMinuteOfJanuary)).toBe('2025-01-31');
    expect(monthPeriod(lastMinuteOfJanuary)).toBe('2025-01');
    expect(dayPeriod(lastMinuteOfJanuary + 60_000)).toBe('2025-02-01');
  });

  it('counts down to the next midnight and the next first of the month, across a leap day', () => {
    expect(msUntilPeriodEnd('day', Date.UTC(2024, 1, 28, 12))).toBe(12 * 3_600_000);
    expect(msUntilPeriodEnd('month', Date.UTC(2024, 1, 28))).toBe(2 * 86_400_000);
    expect(msUntilPeriodEnd('month', Date.UTC(2024, 11, 31, 23, 0))).toBe(3_600_000);
  });

  it('converts USD to whole micro-dollars, rounding up but not on float dust', () => {
    expect(usdToMicros(0.000001)).toBe(1);
    expect(usdToMicros(0.007)).toBe(7_000);
    expect(usdToMicros(0.0000011)).toBe(2);
    expect(usdToMicros(12.5)).toBe(12_500_000);
  });
});
