import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';

const SONNET = 'claude-3-7-sonnet-20250219';
const user = (text: string): ChatRequest['messages'][number] => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
const base: ChatRequest = { model: 'claude', stream: false, maxOutputTokens: 1000, messages: [user('Hi')] };

describe('convertToAnthropicRequest: messages (convertToAnthropicMessages, limitCacheBreakpoints)', () => {
  it('maps every part type, hoists system prompts and merges consecutive turns', () => {
    const png = { type: 'base64' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' };
    const { body, warnings } = convertToAnthropicRequest(
      {
        ...base,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.', cacheControl: { ttl: '1h' } }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: png, detail: 'high' },
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
              {
                type: 'document',
                name: 'report',
                source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
              },
              {
                type: 'document',
                source: {
                  type: 'base64',
                  mediaType: 'text/markdown',
                  data: Buffer.from('# Notes').toString('base64'),
                },
              },
              { type: 'audio', data: 'AAAA', format: 'wav' },
            ],
          },
          user('And also this.'),
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Thinking…', signature: 'sig-1' },
              { type: 'reasoning', text: '', redactedData: 'opaque' },
              { type: 'reasoning', text: 'unsigned' },
              { type: 'text', text: '' },
              { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'lookup', input: '{"q":"x"}' },
              { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'lookup', input: '[1]' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'toolu_1', output: [{ type: 'text', text: 'found' }] },
              {
                type: 'tool-result',
                toolCallId: 'toolu_2',
                output: [{ type: 'image', source: png }],
                isError: true,
              },
            ],
          },
          user('Thanks'),
          { role: 'system', content: [{ type: 'text', text: 'Late rule.' }] },
        ],
      },
      SONNET,
    );
    expect(body['system']).toEqual([
      { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Late rule.' },
    ]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          {
            type: 'document',
            title: 'report',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
          },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: '# Notes' } },
          { type: 'text', text: 'And also this.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Thinking…', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
          { type: 'tool_use', id: 'toolu_2', name: 'lookup', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'found' }] },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
            is_error: true,
          },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
    expect(warnings.map((warning) => warning.type === 'other' && warning.message)).toEqual([
      'document text/markdown sent as text/plain',
      'audio input is not supported by Anthropic; dropped',
      'reasoning without a signature cannot be sent back to Anthropic; dropped',
      'tool call lookup: input is not a JSON object; sent as {}',
      'system message at position 6 moved to the top-level system prompt',
    ]);
  });

  it('keeps the last 4 cache breakpoints and shortens a 1h one after a 5m one', () => {
    const cached = (text: string, ttl: '5m' | '1h') => ({
      type: 'text' as const,
      text,
      cacheControl: { ttl },
    });
    const { body, warnings } = convertToAnthropicRequest(
      {
        ...base,
        messages: [
          { role: 'system', content: [cached('a', '1h'), cached('b', '1h'), cached('c', '5m')] },
          { role: 'user', content: [cached('d', '1h'), cached('e', '5m')] },
        ],
      },
      SONNET,
    );
    expect(body['system']).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'c', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'd', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'e', cache_control: { type: 'ephemeral' } },
    ]);
    expect(warnings).toEqual([
      { type: 'other', message: '5 cache breakpoints; Anthropic accepts 4, kept the last 4' },
      { type: 'other', message: 'a 1h cache breakpoint after a 5m one was shortened to 5m' },
    ]);
  });
});
