import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { splitCacheWrites } from './price-request.js';

function requestWithBreakpoints(...ttls: Array<'5m' | '1h'>): ChatRequest {
  return {
    model: 'm',
    stream: false,
    messages: [
      {
        role: 'user',
        content: ttls.map((ttl, index) => ({ type: 'text', text: `part ${index}`, cacheControl: { ttl } })),
      },
    ],
  };
}

describe('splitCacheWrites', () => {
  it("takes Anthropic's own split (cache_creation.ephemeral_5m/1h_input_tokens)", () => {
    const metadata = {
      anthropic: { cacheCreation: { ephemeral5mInputTokens: 300, ephemeral1hInputTokens: 1_500 } },
    };
    expect(splitCacheWrites(1_800, metadata, requestWithBreakpoints('5m'))).toEqual({
      fiveMinute: 300,
      oneHour: 1_500,
    });
  });

  it("takes Bedrock's cacheDetails, summing the 1-hour entries", () => {
    const metadata = {
      bedrock: {
        cacheDetails: [
          { ttl: '1h', inputTokens: 1_024 },
          { ttl: '5m', inputTokens: 2_048 },
          { ttl: '1h', inputTokens: 100 },
        ],
      },
    };
    expect(splitCacheWrites(3_172, metadata, undefined)).toEqual({ fiveMinute: 2_048, oneHour: 1_124 });
  });

  it('never splits more than was written, whatever the metadata says', () => {
    const metadata = {
      anthropic: { cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: 9_999 } },
    };
    expect(splitCacheWrites(100, metadata, undefined)).toEqual({ fiveMinute: 0, oneHour: 100 });
  });

  it('without a provider split, follows the request: 1 hour only when every breakpoint asked for it', () => {
    expect(splitCacheWrites(500, undefined, requestWithBreakpoints('1h', '1h'))).toEqual({
      fiveMinute: 0,
      oneHour: 500,
    });
    expect(splitCacheWrites(500, undefined, requestWithBreakpoints('1h', '5m'))).toEqual({
      fiveMinute: 500,
      oneHour: 0,
    });
    expect(splitCacheWrites(500, undefined, requestWithBreakpoints())).toEqual({
      fiveMinute: 500,
      oneHour: 0,
    });
    expect(splitCacheWrites(0, undefined, requestWithBreakpoints('1h'))).toEqual({
      fiveMinute: 0,
      oneHour: 0,
    });
  });
});
