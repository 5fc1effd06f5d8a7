import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  InvokeModelWithResponseStreamCommand,
  type Message,
  ModelStreamErrorException,
  ThrottlingException,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import {
  type BedrockTestClient,
  createBedrockTestClient,
  TRANSPORTS,
  withHeaders,
} from './create-bedrock-test-client.js';

const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
});
afterAll(() => sandbox.close());

const ask = (text: string): Message[] => [{ role: 'user', content: [{ text }] }];
const tools: Tool[] = [
  {
    toolSpec: {
      name: 'lookup_order',
      inputSchema: {
        json: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      },
    },
  },
];

async function collect(
  stream: AsyncIterable<ConverseStreamOutput> | undefined,
): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

describe.each(TRANSPORTS)('streaming through the AWS SDK over %s', (transport) => {
  let test: BedrockTestClient;
  beforeAll(() => {
    test = createBedrockTestClient(sandbox, transport);
  });
  afterAll(() => test.client.destroy());

  it('ConverseStream deltas reassemble to the Converse text; metadata carries the same usage', async () => {
    const messages = ask('Stream a story about lighthouses');
    const plain = await test.client.send(new ConverseCommand({ modelId: SONNET, messages }));
    const response = await test.client.send(new ConverseStreamCommand({ modelId: SONNET, messages }));
    const events = await collect(response.stream);
    expect(Object.keys(events[0] ?? {})).toEqual(['messageStart']);
    expect(events[0]?.messageStart?.role).toBe('assistant');
    const deltas = events.filter((event) => event.contentBlockDelta);
    expect(deltas.length).toBe(plain.usage?.outputTokens);
    expect(events.some((event) => event.contentBlockStart)).toBe(false);
    const text = deltas.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe(plain.output?.message?.content?.[0]?.text);
    expect(events.at(-2)?.messageStop?.stopReason).toBe('end_turn');
    const metadata = events.at(-1)?.metadata;
    expect(metadata?.usage).toEqual(plain.usage);
    expect(metadata?.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('streams a tool call as contentBlockStart + input deltas that parse to the Converse input', async () => {
    const messages = ask('Please lookup_order A-1234');
    const plain = await test.client.send(
      new ConverseCommand({ modelId: SONNET, messages, toolConfig: { tools } }),
    );
    const response = await test.client.send(
      new ConverseStreamCommand({ modelId: SONNET, messages, toolConfig: { tools } }),
    );
    const events = await collect(response.stream);
    const start = events.find((event) => event.contentBlockStart)?.contentBlockStart;
    const toolUse = plain.output?.message?.content?.[0]?.toolUse;
    expect(start?.start?.toolUse).toEqual({ toolUseId: toolUse?.toolUseId, name: 'lookup_order' });
    const input = events.map((event) => event.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual(toolUse?.input);
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('tool_use');
  });

  it('InvokeModelWithResponseStream sends Anthropic stream events in chunks, ending with invocation metrics', async () => {
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Stream natively' }],
    });
    const response = await test.client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: SONNET, body, contentType: 'application/json' }),
    );
    const events: Record<string, unknown>[] = [];
    for await (const event of response.body ?? []) {
      events.push(JSON.parse(Buffer.from(event.chunk?.bytes ?? new Uint8Array()).toString('utf8')));
    }
    const types = events.map((event) => event['type']);
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const text = events
      .filter((event) => event['type'] === 'content_block_delta')
      .map((event) => (event['delta'] as { text: string }).text)
      .join('');
    expect(text.length).toBeGreaterThan(20);
    const metrics = events.at(-1)?.['amazon-bedrock-invocationMetrics'] as Record<string, number>;
    expect(metrics['outputTokenCount']).toBe(
      (events.at(-2)?.['usage'] as { output_tokens: number } | undefined)?.output_tokens,
    );
    expect(metrics['inputTokenCount']).toBeGreaterThan(0);
  });

  it('a paced stream (TTFT and speed from request headers) delivers the same events', async () => {
    const messages = ask('Pace this one');
    const instant = await collect(
      (await test.client.send(new ConverseStreamCommand({ modelId: SONNET, messages }))).stream,
    );
    const pacedCommand = withHeaders(new ConverseStreamCommand({ modelId: SONNET, messages }), {
      'x-sandbox-ttft-ms': '1',
      'x-sandbox-tokens-per-second': '5000',
    });
    const paced = await collect((await test.client.send(pacedCommand)).stream);
    const withoutLatency = (events: ConverseStreamOutput[]) => events.filter((event) => !event.metadata);
    expect(withoutLatency(paced)).toEqual(withoutLatency(instant));
    expect(paced.at(-1)?.metadata?.usage).toEqual(instant.at(-1)?.metadata?.usage);
  });

  it('malformed: a frame with a bad CRC makes the SDK fail the stream', async () => {
    const command = withHeaders(new ConverseStreamCommand({ modelId: SONNET, messages: ask('Corrupt me') }), {
      'x-sandbox-fault': 'malformed',
    });
    const response = await test.client.send(command);
    await expect(collect(response.stream)).rejects.toThrow();
  });

  it('model-stream-error: the SDK iterator throws ModelStreamErrorException after some deltas', async () => {
    const command = withHeaders(
      new ConverseStreamCommand({ modelId: SONNET, messages: ask('Fail midway') }),
      {
        'x-sandbox-fault': 'model-stream-error:3',
      },
    );
    const response = await test.client.send(command);
    const seen: ConverseStreamOutput[] = [];
    const failure = await (async () => {
      try {
        for await (const event of response.stream ?? []) seen.push(event);
      } catch (error: unknown) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(ModelStreamErrorException);
    expect((failure as ModelStreamErrorException).originalStatusCode).toBe(500);
    expect(seen.filter((event) => event.contentBlockDelta)).toHaveLength(3);
  });

  it('stream-throttling: an in-stream throttlingException surfaces as ThrottlingException', async () => {
    const command = withHeaders(
      new ConverseStreamCommand({ modelId: SONNET, messages: ask('Throttle midway') }),
      {
        'x-sandbox-fault': 'stream-throttling:1',
      },
    );
    const response = await test.client.send(command);
    await expect(collect(response.stream)).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('cut-stream-after: the connection (HTTP/2: the stream) is cut after N events and the SDK fails', async () => {
    const command = withHeaders(new ConverseStreamCommand({ modelId: SONNET, messages: ask('Cut me off') }), {
      'x-sandbox-fault': 'cut-stream-after:2',
    });
    const outcome = await (async () => {
      try {
        const response = await test.client.send(command);
        return await collect(response.stream);
      } catch (error: unknown) {
        return error;
      }
    })();
    if (Array.isArray(outcome)) throw new Error(`the stream ended normally with ${outcome.length} events`);
    expect(outcome).toBeInstanceOf(Error);
  });
});
