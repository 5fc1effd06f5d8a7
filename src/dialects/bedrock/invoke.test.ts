import {
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelTimeoutException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import {
  type BedrockFixture,
  bedrockClient,
  CLAUDE_ID,
  captureResponseHeaders,
  startBedrockFixture,
} from '../../test-support/start-bedrock-fixture.js';

let fixture: BedrockFixture;
beforeAll(async () => {
  fixture = await startBedrockFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(bytes));

const anthropicBody = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 64,
  system: 'Be brief.',
  temperature: 0.5,
  top_k: 10,
  stop_sequences: ['\n\nHuman:'],
  messages: [
    { role: 'user', content: 'What is the weather?' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '21°C', is_error: false },
        { type: 'text', text: 'Summarise.', cache_control: { type: 'ephemeral' } },
      ],
    },
  ],
  tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
  tool_choice: { type: 'auto', disable_parallel_tool_use: true },
};

describe('InvokeModel (Anthropic Messages body) through @aws-sdk/client-bedrock-runtime', () => {
  it('parses the Anthropic body and answers an Anthropic message with Bedrock token headers', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'text', text: 'Sunny, 21°C.' },
          { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'get_weather', input: '{"city":"Bergen"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        usage: { ...emptyUsage(), inputTokens: 40, cacheReadTokens: 30, outputTokens: 9 },
        modelId: CLAUDE_ID,
      },
    });
    const client = bedrockClient(fixture.url);
    const seen = captureResponseHeaders(client);
    const output = await client.send(
      new InvokeModelCommand({
        modelId: CLAUDE_ID,
        contentType: 'application/json',
        body: encode(anthropicBody),
      }),
    );
    expect(output.contentType).toBe('application/json');
    expect(seen.headers).toMatchObject({
      'x-amzn-bedrock-input-token-count': '10',
      'x-amzn-bedrock-output-token-count': '9',
      'x-amzn-bedrock-invocation-latency': expect.stringMatching(/^\d+$/),
    });
    expect(decode(output.body)).toEqual({
      id: expect.stringMatching(/^msg_bdrk_[0-9a-f]{32}$/),
      type: 'message',
      role: 'assistant',
      model: CLAUDE_ID,
      content: [
        { type: 'text', text: 'Sunny, 21°C.' },
        { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Bergen' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 9,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 30,
      },
    });
    expect(fixture.provider.lastRequest()).toEqual({
      model: 'claude-sonnet',
      stream: false,
      maxOutputTokens: 64,
      temperature: 0.5,
      topK: 10,
      stopSequences: ['\n\nHuman:'],
      tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'auto' },
      parallelToolCalls: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'What is the weather?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', input: '{"city":"Oslo"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_1',
              toolName: 'get_weather',
              output: [{ type: 'text', text: '21°C' }],
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Summarise.', cacheControl: { ttl: '5m' } }] },
      ],
    });
  });

  it('refuses a body that is not an Anthropic Messages body with a ValidationException', async () => {
    const error = await bedrockClient(fixture.url)
      .send(new InvokeModelCommand({ modelId: CLAUDE_ID, body: encode({ inputText: 'Titan style' }) }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining('anthropic_version'),
    });
    const missing = await bedrockClient(fixture.url)
      .send(
        new InvokeModelCommand({
          modelId: CLAUDE_ID,
          body: encode({
            anthropic_version: 'bedrock-2023-05-31',
            messages: [{ role: 'user', content: 'x' }],
          }),
        }),
      )
      .catch((caught: unknown) => caught);
    expect(missing).toMatchObject({
      name: 'ValidationException',
      message:
        'Malformed input request: #/max_tokens: Member must not be null, please reformat your input and try again.',
    });
  });
});

describe('InvokeModelWithResponseStream (Anthropic) through @aws-sdk/client-bedrock-runtime', () => {
  const body = encode({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Hi' }],
  });
  const streamed: StreamPart[] = [
    { type: 'stream-start', warnings: [], modelId: CLAUDE_ID },
    { type: 'reasoning-start', id: 'r' },
    { type: 'reasoning-delta', id: 'r', delta: 'Hmm.' },
    { type: 'reasoning-end', id: 'r', signature: 'sig' },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'Hel' },
    { type: 'text-delta', id: 't', delta: 'lo' },
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      usage: { ...emptyUsage(), inputTokens: 12, outputTokens: 3 },
      finishReason: { unified: 'stop', raw: 'end_turn' },
    },
  ];

  it('streams Anthropic events as base64 chunks, ending with message_stop and invocation metrics', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: streamed });
    const output = await bedrockClient(fixture.url).send(
      new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE_ID, body }),
    );
    const events: Array<Record<string, unknown>> = [];
    for await (const event of output.body ?? []) {
      events.push(decode(event.chunk?.bytes) as Record<string, unknown>);
    }
    expect(events.map((event) => event['type'])).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { role: 'assistant', model: CLAUDE_ID, content: [] } });
    expect(events.slice(1, 4)).toEqual([
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
    ]);
    const text = events
      .map((event) => (event['delta'] as { text?: string } | undefined)?.text ?? '')
      .join('');
    expect(text).toBe('Hello');
    expect(events[9]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 12,
        output_tokens: 3,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(events[10]).toMatchObject({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 12, outputTokenCount: 3 },
    });
  });

  it('turns a mid-stream upstream timeout into modelTimeoutException', async () => {
    const error = new UpstreamError('The model timed out.', {
      url: 'https://upstream.test',
      statusCode: 504,
    });
    fixture.provider.enqueue({ type: 'stream', parts: [...streamed.slice(0, 6), { type: 'error', error }] });
    const output = await bedrockClient(fixture.url).send(
      new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE_ID, body }),
    );
    const thrown = await (async () => {
      for await (const _event of output.body ?? []);
    })().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(ModelTimeoutException);
    expect(thrown).toMatchObject({ message: 'The model timed out.' });
  });
});
