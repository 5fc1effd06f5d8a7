import { describe, expect, it } from 'vitest';
import type { Provider } from '../../providers/provider.js';
import { LatencyTracker } from '../../routing/latency-tracker.js';
import type { Target } from './model-registry.js';
import { estimateCostUsd, type OrderingInput, orderCandidates } from './order-candidates.js';

function provider(type: string): Provider {
  return {
    name: type,
    type,
    generate: () => Promise.reject(new Error('unused')),
    stream: () => Promise.reject(new Error('unused')),
  };
}

function target(deployment: string, overrides: Partial<Target> = {}): Target {
  return {
    deployment,
    provider: provider('azure-openai'),
    modelId: 'gpt-4o',
    processing: 'eu',
    geography: 'eu',
    cloud: 'azure',
    weight: 1,
    tokenizer: 'o200k',
    ...overrides,
  };
}

function input(strategy: OrderingInput['strategy'], targets: Target[], extra: Partial<OrderingInput> = {}) {
  return {
    strategy,
    targets,
    inputTokens: () => 1_000,
    outputTokens: 500,
    latency: new LatencyTracker({ smoothing: 0.3, staleAfterMs: 60_000 }, () => 0),
    random: Math.random,
    now: 0,
    ...extra,
  } satisfies OrderingInput;
}

const names = (targets: Target[]) => targets.map((entry) => entry.deployment);

describe('priority', () => {
  it('provisioned first, then on-demand in the same cloud, then other clouds, each in listed order', () => {
    const targets = [
      target('bedrock', { cloud: 'aws', provider: provider('bedrock') }),
      target('azure-paygo'),
      target('openai', { cloud: 'openai', provider: provider('openai') }),
      target('azure-ptu', { provisioned: { tpm: 10_000 } }),
      target('azure-paygo-2'),
    ];
    expect(names(orderCandidates(input('priority', targets)))).toEqual([
      'azure-ptu',
      'azure-paygo',
      'azure-paygo-2',
      'bedrock',
      'openai',
    ]);
  });

  it('without provisioned capacity the first listed deployment sets the home cloud', () => {
    const targets = [
      target('openai', { cloud: 'openai' }),
      target('azure'),
      target('openai-2', { cloud: 'openai' }),
    ];
    expect(names(orderCandidates(input('priority', targets)))).toEqual(['openai', 'openai-2', 'azure']);
  });
});

describe('weighted', () => {
  it('picks the first choice in proportion to the weights; weight 0 is only a fallback', () => {
    const targets = [target('a', { weight: 3 }), target('b', { weight: 1 }), target('never', { weight: 0 })];
    let seed = 7;
    // A small deterministic LCG stands in for Math.random.
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const firsts = { a: 0, b: 0, never: 0 };
    for (let index = 0; index < 4_000; index++) {
      const order = orderCandidates(input('weighted', targets, { random }));
      firsts[order[0]?.deployment as keyof typeof firsts] += 1;
      expect(order.at(-1)?.deployment).toBe('never');
    }
    expect(firsts.never).toBe(0);
    expect(firsts.a / 4_000).toBeGreaterThan(0.7);
    expect(firsts.a / 4_000).toBeLessThan(0.8);
  });
});

describe('least-latency', () => {
  it('unmeasured deployments first (to measure them), then the fastest expected answer', () => {
    const latency = new LatencyTracker({ smoothing: 1, staleAfterMs: 60_000 }, () => 0);
    latency.recordTtft('slow-start', 100, 0);
    latency.recordThroughput('slow-start', 1_000, 0); // 100 + 500 tokens × 1 ms = 600
    latency.recordTtft('quick-start', 50, 0);
    latency.recordThroughput('quick-start', 250, 0); // 50 + 500 × 4 ms = 2 050
    const targets = [target('quick-start'), target('slow-start'), target('unknown')];
    expect(names(orderCandidates(input('least-latency', targets, { latency })))).toEqual([
      'unknown',
      'slow-start',
      'quick-start',
    ]);
  });
});

describe('lowest-cost', () => {
  it('cheapest estimate first; provisioned without a price costs nothing more; unknown prices last', () => {
    const targets = [
      target('unpriced'),
      target('premium', { price: { input: 5, output: 15 } }),
      target('budget', { price: { input: 0.15, output: 0.6 } }),
      target('ptu', { provisioned: { tpm: 1_000 } }),
    ];
    expect(names(orderCandidates(input('lowest-cost', targets)))).toEqual([
      'ptu',
      'budget',
      'premium',
      'unpriced',
    ]);
  });

  it('prices each target with its own token estimate', () => {
    const cheapTokens = target('verbose-tokenizer', {
      price: { input: 1, output: 1 },
      tokenizer: 'estimate',
    });
    const dear = target('o200k', { price: { input: 1.2, output: 1 } });
    const inputTokens = (entry: Target) => (entry.tokenizer === 'estimate' ? 2_000 : 1_000);
    expect(names(orderCandidates(input('lowest-cost', [cheapTokens, dear], { inputTokens })))).toEqual([
      'o200k',
      'verbose-tokenizer',
    ]);
    expect(estimateCostUsd(dear, 1_000, 500)).toBeCloseTo((1_000 * 1.2 + 500) / 1e6);
  });
});
