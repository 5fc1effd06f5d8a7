import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { defaultSandboxOptions, resolveSandboxOptions, sandboxOptionsSchema } from './index.js';

describe('sandbox options', () => {
  it('defaults to the documented models, keys and one Azure deployment per model', () => {
    const options = defaultSandboxOptions();
    expect(options).toMatchObject({ host: '127.0.0.1', port: 0, latency: 'realistic' });
    expect(options.openai.keys).toEqual(['sk-sandbox']);
    expect(options.azure.keys).toEqual(['sandbox-azure-key']);
    expect(options.models['gpt-4o']).toMatchObject({
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      snapshot: 'gpt-4o-2024-08-06',
    });
    expect(options.models['o3-mini']).toMatchObject({ reasoning: true, contextWindow: 200_000 });
    expect(options.models['text-embedding-3-large']).toMatchObject({
      kind: 'embedding',
      embeddingDimensions: 3072,
    });
    expect(options.azure.deployments['gpt-4o']).toEqual({
      name: 'gpt-4o',
      model: 'gpt-4o',
      capacity: {},
      region: 'East US',
      type: 'standard',
    });
    expect(options.contentFilter).toEqual({
      promptMarker: 'CF_BLOCK_PROMPT',
      outputMarker: 'CF_BLOCK_OUTPUT',
    });
  });

  it('merges model overrides field by field and adds new models', () => {
    const options = resolveSandboxOptions({
      models: { 'gpt-4o': { ttftMs: 1 }, 'my-embed': { kind: 'embedding' } },
    });
    expect(options.models['gpt-4o']).toMatchObject({
      ttftMs: 1,
      tokensPerSecond: 90,
      snapshot: 'gpt-4o-2024-08-06',
    });
    expect(options.models['my-embed']).toMatchObject({
      kind: 'embedding',
      encoding: 'cl100k_base',
      embeddingDimensions: 1536,
      snapshot: 'my-embed',
    });
  });

  it('is strict: an unknown key is an error naming its path', () => {
    const result = sandboxOptionsSchema.safeParse({
      azure: { deployments: { a: { model: 'gpt-4o', colour: 'red' } } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['azure', 'deployments', 'a'],
    });
  });

  it('refuses a deployment of an unknown model', () => {
    expect(() => resolveSandboxOptions({ azure: { deployments: { a: { model: 'gpt-9' } } } })).toThrow(
      ZodError,
    );
  });
});
