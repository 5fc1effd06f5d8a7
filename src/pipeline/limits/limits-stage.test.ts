import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../core/chat-result.js';
import { emptyUsage } from '../../core/usage.js';
import type { LimitScope } from '../../limits/limit-store.js';
import { MemoryLimitStore } from '../../limits/memory/memory-limit-store.js';
import { makeTestContext } from '../../test-support/make-test-context.js';
import type { Principal } from '../gateway-context.js';
import { createFlatPricing } from './limit-pricing.js';
import { createLimitsStage, type LimitsStageOptions } from './limits-stage.js';

const result: ChatResult = {
  content: [],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: emptyUsage(),
  modelId: 'm',
  warnings: [],
};

function principalWith(rpm: number): Principal {
  return {
    keyId: 'key_1',
    keyName: 'ci',
    teamId: null,
    role: 'member',
    models: null,
    limitScopes: [{ id: 'key:key_1', limits: { rpm } }],
  };
}

function limitsStage(store: MemoryLimitStore, extra: Partial<LimitsStageOptions> = {}) {
  const stage = createLimitsStage({
    store,
    pricing: createFlatPricing({ inputUsdPerMillion: 1, outputUsdPerMillion: 1 }),
    onStoreError: 'fail-closed',
    defaultMaxOutputTokens: 16,
    leaseMs: 60_000,
    clock: () => 30_000,
    ...extra,
  });
  /** Runs one request of `principal` through the stage; resolves with its remaining-requests header. */
  return async (principal: Principal) => {
    const context = makeTestContext({
      principal,
      parsed: {
        operation: 'chat',
        request: {
          model: 'm',
          stream: false,
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        },
      },
    });
    await stage(context, async () => {
      context.output = { type: 'chat', result };
    });
    return context.responseHeaders?.['x-ratelimit-remaining-requests'];
  };
}

describe('limits stage: limits of a changed key apply at once', () => {
  it('a rebuilt principal (the key was updated) is checked against its new limits', async () => {
    const run = limitsStage(new MemoryLimitStore());
    const before = principalWith(1);
    expect(await run(before)).toBe('0');
    await expect(run(before)).rejects.toMatchObject({ code: 'rate_limited' });
    // The key snapshot builds a new principal when a key changes; its new limit counts at once.
    expect(await run(principalWith(5))).toBe('3');
  });

  it('a different answer from scopesFor for the same principal is used, not the first one', async () => {
    let scopes: readonly LimitScope[] = [{ id: 'key:key_1', limits: { rpm: 2 } }];
    const run = limitsStage(new MemoryLimitStore(), { scopesFor: () => scopes });
    const principal = principalWith(100);
    expect(await run(principal)).toBe('1');
    scopes = [{ id: 'key:key_1', limits: { rpm: 10 } }];
    expect(await run(principal)).toBe('8');
    scopes = [];
    expect(await run(principal)).toBeUndefined();
  });
});
