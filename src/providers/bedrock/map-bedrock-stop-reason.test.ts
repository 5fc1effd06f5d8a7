import { describe, expect, it } from 'vitest';
import { convertBedrockUsage } from './convert-bedrock-usage.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';

describe('mapBedrockStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['guardrail_intervened', 'content-filter'],
    ['content_filtered', 'content-filter'],
    ['malformed_model_output', 'error'],
    ['malformed_tool_use', 'error'],
    ['something_new', 'other'],
  ])('%s → %s, raw kept', (raw, unified) => {
    expect(mapBedrockStopReason(raw)).toEqual({ unified, raw });
  });

  it('tool_use from the emulated JSON-answer tool is a finished answer; no reason at all is other', () => {
    expect(mapBedrockStopReason('tool_use', true)).toEqual({ unified: 'stop', raw: 'tool_use' });
    expect(mapBedrockStopReason(undefined)).toEqual({ unified: 'other', raw: undefined });
  });
});

describe('convertBedrockUsage', () => {
  it('adds cache reads and writes back into inputTokens, which Bedrock reports without them', () => {
    expect(
      convertBedrockUsage({
        inputTokens: 20,
        outputTokens: 5,
        totalTokens: 1525,
        cacheReadInputTokens: 1000,
        cacheWriteInputTokens: 500,
      }),
    ).toEqual({
      inputTokens: 1520,
      outputTokens: 5,
      cacheReadTokens: 1000,
      cacheWriteTokens: 500,
      reasoningTokens: 0,
    });
    expect(convertBedrockUsage(undefined)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});
