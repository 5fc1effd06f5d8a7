import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/chat-request.js';
import {
  countO200kTokens,
  estimateTokens,
  measureChatPrompt,
  measureEmbedInput,
  upperBoundTokens,
} from './measure-prompt.js';

const request: ChatRequest = {
  model: 'gpt-4o',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Größe? 東京' },
        { type: 'image', source: { type: 'url', url: 'https://example.test/a.png' } },
      ],
    },
  ],
  tools: [{ name: 'lookup', inputSchema: { type: 'object' } }],
};

describe('measureChatPrompt', () => {
  it('counts characters, UTF-8 bytes and the tokens that are not text', () => {
    const measure = measureChatPrompt(request);
    const texts = ['Be brief.', 'Größe? 東京', 'lookup', '{"type":"object"}'];
    expect(measure.characters).toBe(texts.join('').length);
    expect(measure.bytes).toBe(Buffer.byteLength(texts.join(''), 'utf8'));
    // 3 + 3 per message + one image.
    expect(measure.fixedTokens).toBe(3 + 6 + 765);
  });

  it('the byte bound is never below the real o200k count, and the estimates follow the documented ratios', async () => {
    const measure = measureChatPrompt(request);
    const exact = await countO200kTokens(measure);
    expect(upperBoundTokens(measure)).toBeGreaterThanOrEqual(exact);
    expect(estimateTokens(measure, 'estimate')).toBe(Math.ceil(measure.characters / 3) + measure.fixedTokens);
    expect(estimateTokens(measure, 'o200k')).toBe(Math.ceil(measure.characters / 4) + measure.fixedTokens);
  });

  it('embedding inputs: texts measured, token arrays counted by length', () => {
    const measure = measureEmbedInput({ model: 'e', input: [[1, 2, 3], [4]] });
    expect(measure).toMatchObject({ characters: 0, fixedTokens: 4 });
    expect(measureEmbedInput({ model: 'e', input: ['abc'] }).bytes).toBe(3);
  });
});
