import { describe, expect, it } from 'vitest';
import { decodeBase64Embedding } from './convert-openai-embeddings-response.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', false, 'stop'],
    ['stop', true, 'tool-calls'],
    ['length', false, 'length'],
    ['tool_calls', true, 'tool-calls'],
    ['function_call', true, 'tool-calls'],
    ['content_filter', false, 'content-filter'],
    ['abort', false, 'other'],
    [null, false, 'other'],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasToolCalls, unified) => {
    expect(mapOpenAIFinishReason(raw, hasToolCalls)).toEqual({ unified, raw: raw ?? undefined });
  });
});

describe('convertOpenAIUsage', () => {
  it('keeps cached and reasoning tokens as subsets of input and output', () => {
    expect(
      convertOpenAIUsage({
        prompt_tokens: 2000,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1536 },
        completion_tokens_details: { reasoning_tokens: 256 },
      }),
    ).toEqual({
      inputTokens: 2000,
      outputTokens: 300,
      cacheReadTokens: 1536,
      cacheWriteTokens: 0,
      reasoningTokens: 256,
    });
  });

  it('reads servers that send no details (or no usage) as zeros', () => {
    expect(convertOpenAIUsage({ prompt_tokens: 3, completion_tokens: 4 })).toMatchObject({
      cacheReadTokens: 0,
    });
    expect(convertOpenAIUsage(null)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('decodeBase64Embedding', () => {
  it('decodes little-endian float32 to numbers', () => {
    const floats = new Float32Array([1.5, -0.25, 3.0e-5]);
    const bytes = Buffer.from(floats.buffer);
    const decoded = decodeBase64Embedding(bytes.toString('base64'));
    expect(decoded).toEqual([1.5, -0.25, Math.fround(3.0e-5)]);
    expect(decodeBase64Embedding('AACAPwAAAMA=')).toEqual([1, -2]);
  });
});
