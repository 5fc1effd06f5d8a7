import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { estimateRequest } from './estimate-request.js';

const chat = (overrides: Partial<ChatRequest>): ChatRequest => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, world!' }] }],
  stream: false,
  ...overrides,
});

describe('estimateRequest', () => {
  it('estimates ~4 characters a token plus framing, with the output cap or the default', () => {
    expect(estimateRequest({ operation: 'chat', request: chat({}) }, 4096)).toEqual({
      promptTokens: 3 + 4 + 4,
      promptTokensUpperBound: 3 + 4 + 13,
      maxOutputTokens: 4096,
    });
    expect(
      estimateRequest({ operation: 'chat', request: chat({ maxOutputTokens: 50 }) }, 4096).maxOutputTokens,
    ).toBe(50);
  });

  it('bounds non-ASCII text by its UTF-8 bytes, which no byte-level tokenizer exceeds', () => {
    const estimate = estimateRequest(
      {
        operation: 'chat',
        request: chat({ messages: [{ role: 'user', content: [{ type: 'text', text: '日本語です' }] }] }),
      },
      0,
    );
    expect(estimate.promptTokensUpperBound).toBe(3 + 4 + 15);
    expect(estimate.promptTokens).toBe(3 + 4 + 2);
  });

  it('counts tool definitions, tool calls and results, and media', () => {
    const request = chat({
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{"a":1}' }],
        },
        {
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'c', output: [{ type: 'text', text: 'done' }] }],
        },
      ],
      tools: [{ name: 'f', inputSchema: { type: 'object' } }],
    });
    const toolsJson = JSON.stringify(request.tools);
    const estimate = estimateRequest({ operation: 'chat', request }, 0);
    expect(estimate.promptTokensUpperBound).toBe(
      3 + 3 * 4 + 2_000 + 500 + 'f{"a":1}'.length + 4 + toolsJson.length,
    );
  });

  it('estimates embeddings without output, token arrays at their length', () => {
    expect(
      estimateRequest({ operation: 'embed', request: { model: 'e', input: ['abcdefgh', 'ab'] } }, 4096),
    ).toEqual({ promptTokens: 3, promptTokensUpperBound: 10, maxOutputTokens: 0 });
    expect(
      estimateRequest({ operation: 'embed', request: { model: 'e', input: [[1, 2, 3]] } }, 4096).promptTokens,
    ).toBe(3);
  });
});
