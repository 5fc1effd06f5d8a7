import { beforeAll, describe, expect, it } from 'vitest';
import { PrefixCache } from './prefix-cache.js';
import { PromptMeter } from './prompt-meter.js';
import { type Encoder, loadEncoding } from './tokenizer.js';

let encoder: Encoder;
beforeAll(async () => {
  encoder = await loadEncoding('o200k_base');
});

function meterFor(tokenCount: number, salt = 0): PromptMeter {
  const meter = new PromptMeter(encoder);
  meter.addOpaque(tokenCount, salt);
  return meter;
}

describe('PromptMeter', () => {
  it('counts text with the real tokenizer and marks boundaries from 1024 in steps of 128', () => {
    const meter = new PromptMeter(encoder);
    expect(meter.addText('hello world')).toBe(2);
    meter.addOpaque(1300, 1);
    expect(meter.tokens).toBe(1302);
    expect(meter.boundaries).toHaveLength(3);
    expect(meter.boundaries[0]).toMatch(/^1024:/);
  });
});

describe('PrefixCache', () => {
  it('reports 0 the first time and the longest seen prefix afterwards', () => {
    const cache = new PrefixCache({ ttlMs: 60_000, maxEntries: 1000 });
    const long = meterFor(1500);
    expect(cache.lookupAndStore('s', long.boundaries, 0)).toBe(0);
    expect(cache.lookupAndStore('s', long.boundaries, 1)).toBe(1408);
    // A longer prompt sharing the first 1500 tokens hits the 1408-token prefix only.
    const longer = meterFor(1500);
    longer.addOpaque(600, 99);
    expect(cache.lookupAndStore('s', longer.boundaries, 2)).toBe(1408);
  });

  it('scopes entries, expires them and bounds memory', () => {
    const cache = new PrefixCache({ ttlMs: 1000, maxEntries: 4 });
    const meter = meterFor(1200);
    cache.lookupAndStore('a', meter.boundaries, 0);
    expect(cache.lookupAndStore('b', meter.boundaries, 0)).toBe(0);
    expect(cache.lookupAndStore('a', meter.boundaries, 5000)).toBe(0);
    for (let salt = 0; salt < 10; salt++)
      cache.lookupAndStore('c', meterFor(1100, salt * 10_000).boundaries, 0);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it('ignores prompts under 1024 tokens', () => {
    const cache = new PrefixCache({ ttlMs: 1000, maxEntries: 10 });
    const meter = meterFor(1000);
    cache.lookupAndStore('s', meter.boundaries, 0);
    expect(cache.lookupAndStore('s', meter.boundaries, 1)).toBe(0);
  });
});
