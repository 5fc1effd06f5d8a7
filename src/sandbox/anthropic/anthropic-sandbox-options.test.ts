import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropicSandboxOptionsSchema, resolveAnthropicOptions } from './anthropic-sandbox-options.js';

describe('anthropic sandbox options', () => {
  it('defaults the key, Vertex token and the built-in models with their aliases', () => {
    const resolved = resolveAnthropicOptions(anthropicSandboxOptionsSchema.parse(undefined));
    expect([...resolved.keys]).toEqual(['sk-ant-sandbox']);
    expect([...resolved.vertexTokens]).toEqual(['sandbox-vertex-token']);
    expect(resolved.catalog.models.map((model) => model.id)).toEqual([
      'claude-3-5-sonnet-20241022',
      'claude-3-5-haiku-20241022',
      'claude-3-7-sonnet-20250219',
      'claude-sonnet-4-5-20250929',
      'claude-haiku-4-5-20251001',
      'claude-opus-4-1-20250805',
    ]);
    expect(resolved.catalog.find('claude-3-7-sonnet-latest')?.id).toBe('claude-3-7-sonnet-20250219');
    expect(resolved.catalog.findOnVertex('claude-3-5-sonnet-v2')?.id).toBe('claude-3-5-sonnet-20241022');
    expect(resolveAnthropicOptions(resolved)).toBe(resolved);
  });

  it('keys capacity by the dated id and adds or overrides models', () => {
    const resolved = resolveAnthropicOptions({
      capacity: { 'claude-haiku-4-5': { rpm: 3, outputTpm: 100 } },
      models: {
        'claude-3-7-sonnet-20250219': { maxOutputTokens: 128_000 },
        'claude-next': { aliases: ['next'] },
      },
    });
    expect(resolved.capacity.get('claude-haiku-4-5-20251001')).toEqual({ rpm: 3, outputTpm: 100 });
    expect(resolved.catalog.find('claude-3-7-sonnet-20250219')?.maxOutputTokens).toBe(128_000);
    expect(resolved.catalog.find('next')).toMatchObject({
      id: 'claude-next',
      thinking: true,
      contextWindow: 200_000,
    });
  });

  it('is strict, and names the path of a capacity entry for an unknown model', () => {
    expect(() => anthropicSandboxOptionsSchema.parse({ key: ['x'] })).toThrow(z.ZodError);
    const error = (() => {
      try {
        resolveAnthropicOptions({ capacity: { 'claude-9': { rpm: 1 } } });
      } catch (caught: unknown) {
        return caught;
      }
    })();
    expect(error instanceof z.ZodError && error.issues[0]?.path).toEqual(['capacity', 'claude-9']);
  });
});
