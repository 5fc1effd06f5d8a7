import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAnthropicRequest } from './anthropic-routes.js';
import { type AnthropicSandbox, startAnthropicSandbox } from './start-anthropic-sandbox.js';

let sandbox: AnthropicSandbox;
let client: Anthropic;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox();
  client = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const MODEL = 'claude-3-7-sonnet-20250219';
const ask = (content: string) => [{ role: 'user' as const, content }];

describe('messages.create (Anthropic SDK)', () => {
  it('answers with a text block, the dated model for an alias, usage and API headers', async () => {
    const { data, response } = await client.messages
      .create({ model: 'claude-3-7-sonnet-latest', max_tokens: 1024, messages: ask('Tell me about Paris') })
      .withResponse();
    expect(data.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn' });
    expect(data.stop_sequence).toBeNull();
    const [block] = data.content;
    expect(block?.type).toBe('text');
    expect(block?.type === 'text' && block.text.length).toBeGreaterThan(20);
    expect(data.usage).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      service_tier: 'standard',
    });
    expect(data.usage.input_tokens).toBeGreaterThan(5);
    expect(data.usage.output_tokens).toBeGreaterThan(5);
    expect(response.headers.get('request-id')).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    expect(response.headers.get('anthropic-organization-id')).toBeTruthy();
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    expect(response.headers.get('anthropic-ratelimit-input-tokens-reset')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('is deterministic, and count_tokens agrees with the input it bills', async () => {
    const request = { model: MODEL, max_tokens: 512, system: 'Be brief.', messages: ask('Name a river') };
    const first = await client.messages.create(request);
    const second = await client.messages.create(request);
    expect(second.content).toEqual(first.content);
    const counted = await client.messages.countTokens({
      model: MODEL,
      system: 'Be brief.',
      messages: ask('Name a river'),
    });
    expect(counted.input_tokens).toBe(first.usage.input_tokens);
  });

  it('stops at max_tokens with stop_reason max_tokens and exactly that many output tokens', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: ask('Write an essay'),
    });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
  });

  it('stops at the earliest stop sequence and reports which one matched', async () => {
    const full = await client.messages.create({
      model: MODEL,
      max_tokens: 512,
      messages: ask('Describe a garden'),
    });
    const text = full.content[0]?.type === 'text' ? full.content[0].text : '';
    const words = text.split(' ');
    const stop = words[3] ?? 'the';
    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 512,
      messages: ask('Describe a garden'),
      stop_sequences: ['never-appears', stop],
    });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(stop);
    expect(stopped.content[0]?.type === 'text' && stopped.content[0].text).toBe(
      text.slice(0, text.indexOf(stop)),
    );
  });

  it('refuses with stop_reason refusal when the prompt carries the marker word', async () => {
    const refused = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: ask('CF_BLOCK_PROMPT now'),
    });
    expect(refused).toMatchObject({ stop_reason: 'refusal', content: [] });
    const halfway = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: ask('go CF_BLOCK_OUTPUT'),
    });
    expect(halfway.stop_reason).toBe('refusal');
    expect(halfway.content[0]?.type).toBe('text');
  });

  it('accepts x-api-key and the SDK beta path (?beta=true)', async () => {
    const response = await fetch(`${sandbox.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-sandbox',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'prompt-caching-2024-07-31',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: ask('hi') }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { model: string }).model).toBe('claude-haiku-4-5-20251001');
  });
});

describe('streaming (Anthropic SDK)', () => {
  it('sends the events in the API order, with a ping after the first block start', async () => {
    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: ask('Tell me about Lyon'),
      stream: true,
    });
    const events: RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(2, -3).every((type) => type === 'content_block_delta')).toBe(true);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const start = events[0];
    expect(start?.type === 'message_start' && start.message.usage.output_tokens).toBe(1);
    const delta = events.at(-2);
    const nonStreamed = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: ask('Tell me about Lyon'),
    });
    expect(delta?.type === 'message_delta' && delta.usage.output_tokens).toBe(
      nonStreamed.usage.output_tokens,
    );
    const text = events
      .map((event) =>
        event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '',
      )
      .join('');
    expect(nonStreamed.content).toEqual([{ type: 'text', text, citations: null }]);
  });

  it('writes the ping frame on the wire (the SDK skips it)', async () => {
    const response = await fetch(`${sandbox.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-sandbox',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: MODEL, max_tokens: 16, stream: true, messages: ask('hi') }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await response.text();
    expect(body).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(body).toContain(
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""',
    );
    expect(body).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(body.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('.stream() + finalMessage() assembles the same message as create()', async () => {
    const request = { model: MODEL, max_tokens: 300, messages: ask('Explain tides') };
    const final = await client.messages.stream(request).finalMessage();
    const created = await client.messages.create(request);
    expect(final.content).toEqual(created.content);
    expect(final.stop_reason).toBe(created.stop_reason);
    expect(final.usage.output_tokens).toBe(created.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(created.usage.input_tokens);
  });
});

describe('models', () => {
  it('lists the built-in models newest first, pages with after_id, and resolves aliases', async () => {
    const page = await client.models.list({ limit: 2 });
    expect(page.data.map((model) => model.id)).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-5-20250929',
    ]);
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const model of client.models.list({ limit: 4 })) all.push(model.id);
    expect(all).toHaveLength(6);
    expect(all).toContain('claude-3-5-haiku-20241022');
    const model = await client.models.retrieve('claude-opus-4-1');
    expect(model).toMatchObject({
      id: 'claude-opus-4-1-20250805',
      type: 'model',
      display_name: 'Claude Opus 4.1',
    });
  });
});

describe('isAnthropicRequest (the guard that shares GET /v1/models with OpenAI)', () => {
  it('recognises the Anthropic SDK by anthropic-version or x-api-key, not a plain Bearer call', () => {
    expect(
      isAnthropicRequest({ headers: { 'anthropic-version': '2023-06-01', authorization: 'Bearer k' } }),
    ).toBe(true);
    expect(isAnthropicRequest({ headers: { 'x-api-key': 'k' } })).toBe(true);
    expect(isAnthropicRequest({ headers: { authorization: 'Bearer sk-sandbox' } })).toBe(false);
  });
});
