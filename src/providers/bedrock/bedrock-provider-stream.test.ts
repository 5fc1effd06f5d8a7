import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../aws/event-stream.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Provider } from '../provider.js';
import { callOptions, collect, type FixtureHandler } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { type BedrockConfig, createBedrockProvider } from './bedrock-provider.js';
import { encodeEventFixture, readEventFixture, replyEventStream } from './test-support/reply-event-stream.js';
import { verifySignatureV4 } from './test-support/verify-signature-v4.js';

const upstream = useFixtureServer();
const events = (name: string) => encodeEventFixture(readEventFixture(import.meta.url, name));
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const CLAUDE = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const REQUEST_ID = 'e5e8a1f4-stream-0000-0000-000000000001';

function bedrockConfig(endpoint: string, config: Partial<BedrockConfig> = {}): BedrockConfig {
  return {
    type: 'bedrock',
    region: 'eu-west-1',
    partition: 'aws',
    credentials: { type: 'keys', ...KEYS },
    endpoint,
    ...config,
  };
}

async function startBedrock(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createBedrockProvider('bedrock-test', bedrockConfig(server.origin), {
    http: upstream.http,
    log: upstream.log,
  });
}

const hello: ChatRequest = {
  model: 'claude',
  stream: true,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

const start: StreamPart = { type: 'stream-start', warnings: [], modelId: CLAUDE, responseId: REQUEST_ID };
const noCache = { cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

async function streamParts(provider: Provider, request: ChatRequest = hello): Promise<StreamPart[]> {
  return collect(await provider.stream(request, callOptions(CLAUDE)));
}

describe('bedrock provider: ConverseStream', () => {
  it('streams text from frames split across 7-byte writes; usage counts cache read and write', async () => {
    const provider = await startBedrock(
      replyEventStream(events('bedrock-text.events.json'), { pieceBytes: 7 }),
    );
    const parts = await streamParts(provider);
    const sent = upstream.lastRequest();
    expect(sent.url).toBe('/model/eu.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream');
    expect(sent.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(verifySignatureV4(sent, { [KEYS.accessKeyId]: KEYS.secretAccessKey }, 'eu-west-1')).toMatchObject({
      valid: true,
    });
    const text = ['Hello', '! How', ' can I help', ' you today?'];
    expect(parts).toEqual<StreamPart[]>([
      start,
      { type: 'text-start', id: 'text-0' },
      ...text.map((delta): StreamPart => ({ type: 'text-delta', id: 'text-0', delta })),
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: {
          inputTokens: 14 + 1024 + 190,
          outputTokens: 10,
          cacheReadTokens: 1024,
          cacheWriteTokens: 190,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'end_turn' },
        providerMetadata: { bedrock: { latencyMs: 389 } },
      },
    ]);
  });

  it('tool use: start event, streamed input fragments, end + tool-call at the block stop', async () => {
    const provider = await startBedrock(
      replyEventStream(events('bedrock-tool-use.events.json'), { pieceBytes: 64 }),
    );
    const parts = await streamParts(provider);
    const weather = 'tooluse_8hYQbC1rR2-GdQ6kmt0Ibg';
    const time = 'tooluse_Qm3vZ0aTS1eWb0m4r2LqvA';
    expect(parts).toEqual<StreamPart[]>([
      start,
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Let me check' },
      { type: 'text-delta', id: 'text-0', delta: ' the weather.' },
      { type: 'text-end', id: 'text-0' },
      { type: 'tool-input-start', id: weather, toolName: 'get_weather' },
      { type: 'tool-input-delta', id: weather, delta: '{"city": "Par' },
      { type: 'tool-input-delta', id: weather, delta: 'is", "unit"' },
      { type: 'tool-input-delta', id: weather, delta: ': "celsius"}' },
      { type: 'tool-input-end', id: weather },
      {
        type: 'tool-call',
        toolCallId: weather,
        toolName: 'get_weather',
        input: '{"city": "Paris", "unit": "celsius"}',
      },
      { type: 'tool-input-start', id: time, toolName: 'get_time' },
      { type: 'tool-input-end', id: time },
      { type: 'tool-call', toolCallId: time, toolName: 'get_time', input: '{}' },
      {
        type: 'finish',
        usage: { inputTokens: 402, outputTokens: 88, ...noCache },
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        providerMetadata: { bedrock: { latencyMs: 1310 } },
      },
    ]);
  });

  it('reasoning: deltas, then its signature on reasoning-end, then the answer', async () => {
    const provider = await startBedrock(replyEventStream(events('bedrock-reasoning.events.json')));
    const parts = await streamParts(provider);
    expect(parts.slice(1, -1)).toEqual<StreamPart[]>([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: '17 * 20 = 340' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: ', plus 51 is 391.' },
      {
        type: 'reasoning-end',
        id: 'reasoning-0',
        signature: 'EqoBCkgIARABGAIiQJ3cW8m0ZsigOutWz0cV1x5x1pUpOvdKa0Y2Mx7pW7w',
      },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: '17 × 23 = 391.' },
      { type: 'text-end', id: 'text-1' },
    ]);
  });

  it('guardrail_intervened: content-filter finish with the trace', async () => {
    const provider = await startBedrock(replyEventStream(events('bedrock-guardrail.events.json')));
    const parts = await streamParts(provider);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'content-filter', raw: 'guardrail_intervened' },
      providerMetadata: { bedrock: { trace: { guardrail: { inputAssessment: { gr7ekz0xl8vu: {} } } } } },
    });
  });

  it('emulated JSON mode: the answer tool streams as text (and unwraps a wrapped schema at its stop)', async () => {
    const answer = (name: string, fragments: string[]) =>
      Buffer.concat([
        encodeEvent('messageStart', { role: 'assistant' }),
        encodeEvent('contentBlockStart', {
          contentBlockIndex: 0,
          start: { toolUse: { toolUseId: 'tooluse_x', name } },
        }),
        ...fragments.map((input) =>
          encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input } } }),
        ),
        encodeEvent('contentBlockStop', { contentBlockIndex: 0 }),
        encodeEvent('messageStop', { stopReason: 'tool_use' }),
        encodeEvent('metadata', { usage: { inputTokens: 30, outputTokens: 9 }, metrics: { latencyMs: 80 } }),
      ]);
    const object = await startBedrock(replyEventStream(answer('city', ['{"city":', '"Lyon"}'])));
    const objectParts = await streamParts(object, {
      ...hello,
      responseFormat: { type: 'json-schema', name: 'city', schema: { type: 'object' } },
    });
    expect(objectParts.slice(1)).toEqual<StreamPart[]>([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: '{"city":' },
      { type: 'text-delta', id: 'text-0', delta: '"Lyon"}' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: { inputTokens: 30, outputTokens: 9, ...noCache },
        finishReason: { unified: 'stop', raw: 'tool_use' },
        providerMetadata: { bedrock: { latencyMs: 80 } },
      },
    ]);
    const list = await startBedrock(replyEventStream(answer('names', ['{"value": ["a",', ' "b"]}'])));
    const listParts = await streamParts(list, {
      ...hello,
      responseFormat: {
        type: 'json-schema',
        name: 'names',
        schema: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(listParts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', id: 'text-0', delta: '["a","b"]' },
    ]);
  });
});
