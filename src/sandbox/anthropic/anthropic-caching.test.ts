import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicSandbox, startAnthropicSandbox } from './start-anthropic-sandbox.js';

let sandbox: AnthropicSandbox;
let client: Anthropic;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox();
  client = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const SONNET = 'claude-3-7-sonnet-20250219';

/** About `tokens` tokens of distinct text per label, so tests never share a cache entry by accident. */
function manual(label: string, tokens: number): string {
  const lines: string[] = [];
  // Each line is about 15 tokens.
  for (let index = 0; index < tokens / 15; index++) {
    lines.push(`${label} rule ${index}: always check the valve before opening the main line.`);
  }
  return lines.join('\n');
}

function cachedSystem(text: string, ttl?: '5m' | '1h'): TextBlockParam[] {
  return [{ type: 'text', text, cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } }];
}

describe('prompt caching', () => {
  it('writes the prefix up to the breakpoint once, then reads it; input_tokens excludes both', async () => {
    const system = cachedSystem(manual('alpha', 1800));
    const first = await client.messages.create({
      model: SONNET,
      max_tokens: 64,
      system,
      messages: [{ role: 'user', content: 'First question' }],
    });
    const written = first.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThan(1024);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: written,
      ephemeral_1h_input_tokens: 0,
    });
    const counted = await client.messages.countTokens({
      model: SONNET,
      system,
      messages: [{ role: 'user', content: 'First question' }],
    });
    expect(first.usage.input_tokens + written).toBe(counted.input_tokens);

    const second = await client.messages.create({
      model: SONNET,
      max_tokens: 64,
      system,
      messages: [{ role: 'user', content: 'A different question entirely' }],
    });
    expect(second.usage.cache_read_input_tokens).toBe(written);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBeLessThan(20);
  });

  it('reports cache usage in message_start when streaming', async () => {
    const system = cachedSystem(manual('beta', 1500));
    const request = {
      model: SONNET,
      max_tokens: 32,
      system,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    await client.messages.create(request);
    const events: Anthropic.RawMessageStreamEvent[] = [];
    await client.messages
      .stream(request)
      .on('streamEvent', (event) => events.push(event))
      .finalMessage();
    const start = events[0];
    if (start?.type !== 'message_start') throw new Error('expected message_start first');
    expect(start.message.usage.cache_read_input_tokens).toBeGreaterThan(1024);
    const delta = events.find((event) => event.type === 'message_delta');
    expect(delta?.type === 'message_delta' && delta.usage.cache_read_input_tokens).toBe(
      start.message.usage.cache_read_input_tokens,
    );
  });

  it('splits writes by TTL: a 1h breakpoint before a 5m one', async () => {
    const message = await client.messages.create({
      model: SONNET,
      max_tokens: 32,
      system: [...cachedSystem(manual('gamma', 1200), '1h'), ...cachedSystem(manual('delta', 600), '5m')],
      messages: [{ role: 'user', content: 'Go' }],
    });
    const { ephemeral_1h_input_tokens: hour, ephemeral_5m_input_tokens: minutes } =
      message.usage.cache_creation ?? {};
    expect(hour).toBeGreaterThan(1024);
    expect(minutes).toBeGreaterThan(400);
    expect(message.usage.cache_creation_input_tokens).toBe((hour ?? 0) + (minutes ?? 0));
    await expect(
      client.messages.create({
        model: SONNET,
        max_tokens: 32,
        system: [...cachedSystem('short', '5m'), ...cachedSystem('later', '1h')],
        messages: [{ role: 'user', content: 'Go' }],
      }),
    ).rejects.toThrow(/a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block/);
  });

  it("caches nothing below the model's minimum (2,048 tokens on Claude Haiku 3.5)", async () => {
    const system = cachedSystem(manual('epsilon', 1500));
    const messages: MessageParam[] = [{ role: 'user', content: 'Hi' }];
    const haiku = await client.messages.create({
      model: 'claude-3-5-haiku-20241022',
      max_tokens: 16,
      system,
      messages,
    });
    expect(haiku.usage.cache_creation_input_tokens).toBe(0);
    const sonnet = await client.messages.create({ model: SONNET, max_tokens: 16, system, messages });
    expect(sonnet.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
  });

  it('reads an earlier turn’s breakpoint when the conversation grows (20-block lookback)', async () => {
    const long = manual('zeta', 1400);
    const turn = (text: string): MessageParam => ({
      role: 'user',
      content: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }],
    });
    const first = await client.messages.create({ model: SONNET, max_tokens: 32, messages: [turn(long)] });
    const firstWritten = first.usage.cache_creation_input_tokens ?? 0;
    expect(firstWritten).toBeGreaterThan(1024);
    const second = await client.messages.create({
      model: SONNET,
      max_tokens: 32,
      messages: [
        { role: 'user', content: [{ type: 'text', text: long }] },
        { role: 'assistant', content: first.content },
        turn('And a follow-up question'),
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBe(firstWritten);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('supports automatic caching with a top-level cache_control', async () => {
    const request = {
      model: SONNET,
      max_tokens: 16,
      cache_control: { type: 'ephemeral' as const },
      messages: [{ role: 'user' as const, content: manual('eta', 1300) }],
    };
    const first = await client.messages.create(request);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    const second = await client.messages.create(request);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });

  it('refuses more than 4 breakpoints', async () => {
    const system = [1, 2, 3, 4, 5].flatMap((index) => cachedSystem(`part ${index}`));
    await expect(
      client.messages.create({
        model: SONNET,
        max_tokens: 16,
        system,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toThrow('A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });
});
