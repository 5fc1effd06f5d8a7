import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecimalPrecisionError,
  divideRounded,
  formatNanoUsd,
  hasAtMostDecimals,
  scaleDecimal,
} from './decimal-usd.js';

describe('scaleDecimal', () => {
  it('turns decimal prices into exact integers', () => {
    expect(scaleDecimal(0.00875, 6)).toBe(8750n);
    expect(scaleDecimal(3.3, 6)).toBe(3_300_000n);
    expect(scaleDecimal(16.5, 6)).toBe(16_500_000n);
    expect(scaleDecimal(4.125, 6)).toBe(4_125_000n);
    expect(scaleDecimal(12.5, 4)).toBe(125_000n);
    expect(scaleDecimal(0, 6)).toBe(0n);
    expect(scaleDecimal(1e-7, 7)).toBe(1n);
    expect(scaleDecimal(2.5e-6, 7)).toBe(25n);
    expect(scaleDecimal(1e21, 0)).toBe(10n ** 21n);
  });

  it('refuses values it cannot hold exactly, negatives and non-numbers', () => {
    expect(() => scaleDecimal(0.0000001, 6)).toThrow(DecimalPrecisionError);
    expect(() => scaleDecimal(0.1234567, 6)).toThrow('more than 6 decimal places');
    expect(() => scaleDecimal(-1, 6)).toThrow(RangeError);
    expect(() => scaleDecimal(Number.NaN, 6)).toThrow(RangeError);
    expect(() => scaleDecimal(Number.POSITIVE_INFINITY, 6)).toThrow(RangeError);
    expect(hasAtMostDecimals(0.123456, 6)).toBe(true);
    expect(hasAtMostDecimals(0.1234567, 6)).toBe(false);
  });

  it('is exact for every price with up to 6 decimals (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (micros) => {
        const value = Number(`${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`);
        expect(scaleDecimal(value, 6)).toBe(BigInt(micros));
      }),
    );
  });
});

describe('divideRounded', () => {
  it('rounds half up', () => {
    expect(divideRounded(5n, 10n)).toBe(1n);
    expect(divideRounded(4n, 10n)).toBe(0n);
    expect(divideRounded(15n, 10n)).toBe(2n);
    expect(divideRounded(1n, 3n)).toBe(0n);
    expect(divideRounded(2n, 3n)).toBe(1n);
  });
});

describe('formatNanoUsd', () => {
  it('writes plain decimals without trailing zeros', () => {
    expect(formatNanoUsd(0n)).toBe('0');
    expect(formatNanoUsd(1n)).toBe('0.000000001');
    expect(formatNanoUsd(22_500_000n)).toBe('0.0225');
    expect(formatNanoUsd(1_000_000_000n)).toBe('1');
    expect(formatNanoUsd(123_456_789_012n)).toBe('123.456789012');
  });

  it('parses back to exactly nanoUsd / 1e9, so the header and the stored number agree (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), (nano) => {
        expect(Number(formatNanoUsd(nano))).toBe(Number(nano) / 1e9);
      }),
    );
    // Stores turn USD back into nano-dollars; exact for any single request below $100,000.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), (nano) => {
        expect(Math.round((Number(nano) / 1e9) * 1e9)).toBe(Number(nano));
      }),
    );
  });
});
