import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ChildCache, MAX_CACHED_CHILDREN } from './metric-children.js';

function counterWithCache() {
  const registry = new Registry();
  const counter = new Counter({
    name: 'test_total',
    help: 'test',
    labelNames: ['a', 'b'] as const,
    registers: [registry],
  });
  return { counter, children: new ChildCache((a, b) => counter.labels(a, b)) };
}

async function seriesValue(counter: Counter<'a' | 'b'>, a: string, b: string): Promise<number | undefined> {
  const metric = await counter.get();
  return metric.values.find((value) => value.labels['a'] === a && value.labels['b'] === b)?.value;
}

describe('ChildCache', () => {
  it('hands out one child per label tuple, counting into the same series as plain inc', async () => {
    const { counter, children } = counterWithCache();
    expect(children.get('x', 'y')).toBe(children.get('x', 'y'));
    expect(children.get('x', 'y')).not.toBe(children.get('x', 'z'));
    children.get('x', 'y').inc();
    counter.inc({ a: 'x', b: 'y' });
    expect(await seriesValue(counter, 'x', 'y')).toBe(2);
  });

  it('starts over past its bound without losing the values already counted', async () => {
    const { counter, children } = counterWithCache();
    const first = children.get('first', 'x');
    first.inc();
    for (let index = 0; index < MAX_CACHED_CHILDREN; index++) children.get(`v${index}`, 'x');
    const again = children.get('first', 'x');
    expect(again).not.toBe(first);
    again.inc();
    expect(await seriesValue(counter, 'first', 'x')).toBe(2);
  });
});
