import { describe, expect, it } from 'vitest';
import { createPrng, Hasher, hashString, mixSeeds } from './prng.js';

describe('hashString', () => {
  it('is stable across runs (pinned values: changing them changes every generated answer)', () => {
    expect(hashString('hello')).toBe(2878523452);
    expect(createPrng(42).next()).toBe(0.6011037519201636);
    expect(hashString('hello')).not.toBe(hashString('hellp'));
  });

  it('separates pieces so that ab+c differs from a+bc', () => {
    const left = new Hasher().update('ab').update('c').digest();
    const right = new Hasher().update('a').update('bc').digest();
    expect(left).not.toBe(right);
  });

  it('returns unsigned 32-bit integers', () => {
    for (const text of ['a', 'b', 'long text with spaces', 'ünïcödé']) {
      const hash = hashString(text);
      expect(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32).toBe(true);
    }
  });
});

describe('createPrng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const sequence = (seed: number) => Array.from({ length: 5 }, createPrng(seed).next);
    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
  });

  it('keeps floats in [0, 1) and integers within inclusive bounds', () => {
    const prng = createPrng(7);
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index++) {
      const value = prng.next();
      expect(value >= 0 && value < 1).toBe(true);
      seen.add(prng.integer(1, 6));
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('picks from a list and refuses an empty one', () => {
    const prng = createPrng(1);
    expect(['a', 'b', 'c']).toContain(prng.pick(['a', 'b', 'c']));
    expect(() => prng.pick([])).toThrow(RangeError);
  });
});

describe('mixSeeds', () => {
  it('derives distinct per-choice seeds from one request seed', () => {
    const seeds = new Set([0, 1, 2, 3].map((index) => mixSeeds(12345, index)));
    expect(seeds.size).toBe(4);
    expect(mixSeeds(12345, 1)).toBe(mixSeeds(12345, 1));
  });
});
