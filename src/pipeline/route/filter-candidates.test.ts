import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Provider } from '../../providers/provider.js';
import { measureChatPrompt } from '../../routing/measure-prompt.js';
import {
  filterByCapability,
  filterByContextWindow,
  filterByResidency,
  requiredCapabilities,
} from './filter-candidates.js';
import type { Target } from './model-registry.js';

const provider: Provider = {
  name: 'p',
  type: 'azure-openai',
  generate: () => Promise.reject(new Error('unused')),
  stream: () => Promise.reject(new Error('unused')),
};

function target(deployment: string, overrides: Partial<Target> = {}): Target {
  return {
    deployment,
    provider,
    modelId: 'gpt-4o',
    processing: 'eu',
    geography: 'eu',
    cloud: 'azure',
    weight: 1,
    tokenizer: 'o200k',
    ...overrides,
  };
}

function chat(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm',
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    ...extra,
  };
}

const names = (targets: Target[]) => targets.map((entry) => entry.deployment);

describe('requiredCapabilities / filterByCapability', () => {
  it('derives needs from the request and skips deployments that lack one', () => {
    const request = chat('hi', {
      tools: [{ name: 't', inputSchema: { type: 'object' } }],
      responseFormat: { type: 'json-schema', name: 's', schema: { type: 'object' } },
    });
    const needs = requiredCapabilities({ operation: 'chat', request });
    expect(needs).toEqual(['tools', 'json-schema']);
    const targets = [target('no-tools', { capabilities: new Set(['json-schema']) }), target('everything')];
    expect(names(filterByCapability(targets, needs, 'm'))).toEqual(['everything']);
  });

  it('none left → unsupported_parameter naming the missing capability', () => {
    const targets = [target('text-only', { capabilities: new Set(['tools']) })];
    const error = (() => {
      try {
        filterByCapability(targets, ['vision'], 'm');
      } catch (caught: unknown) {
        return caught;
      }
    })() as GatewayError;
    expect([error.code, error.param, error.message]).toEqual([
      'unsupported_parameter',
      'messages',
      'No deployment of `m` supports vision.',
    ]);
  });
});

describe('filterByResidency', () => {
  it('applies the key rule and the model rule together', () => {
    const targets = [
      target('sweden', { processing: 'swedencentral', geography: 'eu' }),
      target('global', { processing: 'global', geography: 'global' }),
      target('us', { processing: 'eastus', geography: 'us' }),
    ];
    expect(names(filterByResidency(targets, [['eu'], undefined]))).toEqual(['sweden']);
    expect(names(filterByResidency(targets, [undefined, ['us', 'global']]))).toEqual(['global', 'us']);
    expect(names(filterByResidency(targets, [['eu'], ['us']]))).toEqual([]);
  });
});

describe('filterByContextWindow', () => {
  it('small prompts fit by the byte bound alone, without counting tokens', async () => {
    const measure = measureChatPrompt(chat('x'.repeat(1_000)));
    measure.texts = []; // an exact count would now say 0 tokens; the result must not depend on one
    const fit = await filterByContextWindow([target('small', { contextWindow: 2_000 })], measure, 500, 'm');
    expect(fit).toEqual({ targets: [expect.objectContaining({ deployment: 'small' })] });
  });

  it('large prompts are counted: o200k exactly, other vendors at 3 characters per token', async () => {
    // ' a' is one o200k token per 2 characters: 3 000 tokens, 6 000 bytes.
    const measure = measureChatPrompt(chat(' a'.repeat(3_000)));
    const targets = [
      target('openai-4k', { contextWindow: 4_000 }),
      target('other-4k', { contextWindow: 4_000, tokenizer: 'estimate' }),
      target('unknown-window'),
    ];
    const fit = await filterByContextWindow(targets, measure, 500, 'm');
    expect(names(fit.targets)).toEqual(['openai-4k', 'other-4k', 'unknown-window']);
    expect(fit.exactO200kTokens).toBeGreaterThan(3_000);
    expect(fit.exactO200kTokens).toBeLessThan(3_020);
    const tight = filterByContextWindow([target('openai-3k', { contextWindow: 3_200 })], measure, 500, 'm');
    await expect(tight).rejects.toMatchObject({ code: 'context_length_exceeded' });
  });

  it('none fits → 400 context_length_exceeded naming the largest window', async () => {
    const measure = measureChatPrompt(chat(' a'.repeat(3_000)));
    const targets = [target('a', { contextWindow: 2_000 }), target('b', { contextWindow: 3_000 })];
    const error = await filterByContextWindow(targets, measure, 100, 'gpt-4o').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('context_length_exceeded');
    expect((error as GatewayError).message).toContain('3000 tokens');
    expect((error as GatewayError).details).toMatchObject({ limit: 3_000 });
  });
});
