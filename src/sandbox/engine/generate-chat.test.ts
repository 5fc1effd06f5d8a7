import { beforeAll, describe, expect, it } from 'vitest';
import { type ChatGenerationInput, generateChat } from './generate-chat.js';
import { type Encoder, loadEncoding } from './tokenizer.js';

let encoder: Encoder;
beforeAll(async () => {
  encoder = await loadEncoding('o200k_base');
});

function input(overrides: Partial<ChatGenerationInput> = {}): ChatGenerationInput {
  return {
    seed: 1234,
    encoder,
    lastUserText: 'Tell me about the harbor in Lisbon',
    toolResults: [],
    tools: [],
    toolChoice: 'auto',
    parallelToolCalls: true,
    responseFormat: { type: 'text' },
    maxOutputTokens: undefined,
    stop: [],
    choiceCount: 1,
    reasoningEffort: undefined,
    filterOutput: false,
    ...overrides,
  };
}

function first(overrides: Partial<ChatGenerationInput> = {}) {
  const choice = generateChat(input(overrides))[0];
  if (!choice) throw new Error('no choice');
  return choice;
}

describe('generateChat', () => {
  it('reports exactly the token count of the returned text, within the natural length', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const choice = first({ seed });
      expect(choice.completionTokens).toBe(encoder.encode(choice.text ?? '').length);
      expect(choice.textTokens).toEqual(encoder.encode(choice.text ?? ''));
      expect(choice.completionTokens).toBeGreaterThanOrEqual(15);
      expect(choice.completionTokens).toBeLessThanOrEqual(100);
      expect(choice.finishReason).toBe('stop');
    }
  });

  it('is deterministic for a seed and different across seeds', () => {
    expect(first({ seed: 9 }).text).toBe(first({ seed: 9 }).text);
    expect(first({ seed: 9 }).text).not.toBe(first({ seed: 10 }).text);
  });

  it('truncates at the cap with finish_reason length and exactly cap tokens', () => {
    for (const cap of [1, 5, 12]) {
      const choice = first({ maxOutputTokens: cap });
      expect(choice.finishReason).toBe('length');
      expect(choice.completionTokens).toBe(cap);
      expect(first().text?.startsWith(choice.text ?? '')).toBe(true);
    }
  });

  it('cuts before a stop sequence with finish_reason stop', () => {
    const natural = first().text ?? '';
    const word = natural.split(' ')[4] ?? '';
    const choice = first({ stop: [` ${word}`] });
    expect(choice.text).toBe(natural.slice(0, natural.indexOf(` ${word}`)));
    expect(choice.finishReason).toBe('stop');
  });

  it('counts reasoning tokens inside the cap for reasoning models', () => {
    const free = first({ reasoningEffort: 'medium' });
    expect(free.reasoningTokens).toBeGreaterThan(0);
    expect(free.completionTokens).toBe(free.reasoningTokens + free.textTokens.length);
    const starved = first({ reasoningEffort: 'medium', maxOutputTokens: 10 });
    expect(starved).toMatchObject({
      text: '',
      finishReason: 'length',
      reasoningTokens: 10,
      completionTokens: 10,
    });
  });

  it('calls the tools the user names, one call each unless parallel calls are off', () => {
    const tools = [
      {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'get_time', parameters: undefined },
    ];
    const lastUserText = 'call get_time and get_weather for Lisbon';
    const both = first({ tools, lastUserText });
    expect(both.finishReason).toBe('tool_calls');
    expect(both.text).toBeNull();
    expect(both.toolCalls.map((call) => call.name)).toEqual(['get_time', 'get_weather']);
    expect(both.toolCalls[0]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(JSON.parse(both.toolCalls[1]?.arguments ?? '')).toEqual({ city: 'Lisbon' });
    expect(first({ tools, lastUserText, parallelToolCalls: false }).toolCalls).toHaveLength(1);
    expect(first({ tools, lastUserText: 'no tools here' }).toolCalls).toHaveLength(0);
    expect(
      first({ tools, lastUserText: 'no tools here', toolChoice: { name: 'get_time' } }).toolCalls[0]?.name,
    ).toBe('get_time');
    expect(first({ tools, lastUserText, toolChoice: 'none' }).toolCalls).toHaveLength(0);
  });

  it('answers tool results by quoting them instead of calling again', () => {
    const tools = [{ name: 'get_weather', parameters: undefined }];
    const choice = first({
      tools,
      lastUserText: 'call get_weather',
      toolResults: [{ name: 'get_weather', content: '{"temp":21}' }],
    });
    expect(choice.toolCalls).toHaveLength(0);
    expect(choice.text).toContain('get_weather returned {"temp":21}');
  });

  it('cuts the answer in half with content_filter when the output filter trips', () => {
    const natural = first();
    const filtered = first({ filterOutput: true });
    expect(filtered.finishReason).toBe('content_filter');
    expect(filtered.completionTokens).toBe(Math.floor(natural.completionTokens / 2));
  });

  it('generates n different choices', () => {
    const choices = generateChat(input({ choiceCount: 3 }));
    expect(choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(choices.map((choice) => choice.text)).size).toBe(3);
  });
});
