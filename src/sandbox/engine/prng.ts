/**
 * Seeded hashing and pseudo-random numbers. Everything the sandbox "generates" flows from these two,
 * which is what makes its output reproducible run to run and machine to machine.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Incremental 32-bit FNV-1a over UTF-16 code units; feed pieces without building one big string. */
export class Hasher {
  private hash = FNV_OFFSET;

  update(text: string): this {
    let hash = this.hash;
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, FNV_PRIME);
    }
    // A separator so that update('ab') + update('c') differs from update('a') + update('bc').
    this.hash = Math.imul(hash ^ 0xff, FNV_PRIME);
    return this;
  }

  updateNumber(value: number): this {
    return this.update(String(value));
  }

  digest(): number {
    return this.hash >>> 0;
  }
}

/**
 * @example hashString('hello') // 32-bit unsigned integer, stable forever
 */
export function hashString(text: string): number {
  return new Hasher().update(text).digest();
}

/** Mixes two 32-bit values into one (murmur3 finaliser), e.g. a request seed and a choice index. */
export function mixSeeds(a: number, b: number): number {
  let hash = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A seeded generator of floats in [0, 1) plus the few helpers the generators need. */
export interface Prng {
  next(): number;
  /** Integer in [min, max], both inclusive. */
  integer(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * mulberry32: tiny, fast and good enough for test data (not for anything secret).
 * @example const prng = createPrng(42); prng.integer(1, 6)
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick() from an empty list');
      return item;
    },
  };
}
