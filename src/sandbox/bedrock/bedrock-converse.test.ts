import {
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  CountTokensCommand,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { checkJsonSchema } from '../testing/check-json-schema.js';
import { type BedrockTestClient, createBedrockTestClient, TRANSPORTS } from './create-bedrock-test-client.js';

const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    latency: 'zero',
    bedrock: { provisioned: { abcdefgh1234: { model: 'anthropic.claude-3-5-haiku-20241022-v1:0' } } },
  });
});
afterAll(() => sandbox.close());

const ask = (text: string): Message[] => [{ role: 'user', content: [{ text }] }];

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
};
const tools: Tool[] = [
  {
    toolSpec: { name: 'get_weather', description: 'Weather forecast', inputSchema: { json: weatherSchema } },
  },
  {
    toolSpec: {
      name: 'get_time',
      inputSchema: { json: { type: 'object', properties: { zone: { type: 'string' } } } },
    },
  },
];

function textOf(content: ContentBlock[] | undefined): string {
  return (content ?? []).map((block) => block.text ?? '').join('');
}

describe.each(TRANSPORTS)('Converse through the AWS SDK over %s', (transport) => {
  let test: BedrockTestClient;
  beforeAll(() => {
    test = createBedrockTestClient(sandbox, transport);
  });
  afterAll(() => test.client.destroy());
  const converse = (input: Omit<ConverseCommandInput, 'modelId'> & { modelId?: string }) =>
    test.client.send(new ConverseCommand({ modelId: SONNET, ...input }));

  it('answers deterministically, with usage, metrics and a request id, over the expected protocol', async () => {
    const first = await converse({ messages: ask('Describe the harbor in Lisbon') });
    const second = await converse({ messages: ask('Describe the harbor in Lisbon') });
    const other = await converse({ messages: ask('Something else entirely') });
    expect(first.stopReason).toBe('end_turn');
    expect(first.output?.message?.role).toBe('assistant');
    const text = textOf(first.output?.message?.content);
    expect(text.length).toBeGreaterThan(20);
    expect(textOf(second.output?.message?.content)).toBe(text);
    expect(textOf(other.output?.message?.content)).not.toBe(text);
    const usage = first.usage;
    expect(usage?.inputTokens).toBeGreaterThan(0);
    expect(usage?.totalTokens).toBe((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
    expect(first.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(first.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(test.protocols.at(-1)).toBe(transport === 'http2' ? 'h2' : 'http/1.1');
  });

  it('counts system prompts, cuts at maxTokens and at stop sequences (prefixes of the natural answer)', async () => {
    const messages = ask('Tell me about glaciers');
    const natural = await converse({ messages });
    const withSystem = await converse({ messages, system: [{ text: 'You are terse and precise.' }] });
    expect(withSystem.usage?.inputTokens).toBeGreaterThan(natural.usage?.inputTokens ?? 0);

    const capped = await converse({ messages, inferenceConfig: { maxTokens: 5 } });
    expect(capped.stopReason).toBe('max_tokens');
    expect(capped.usage?.outputTokens).toBe(5);
    const naturalText = textOf(natural.output?.message?.content);
    expect(naturalText.startsWith(textOf(capped.output?.message?.content))).toBe(true);

    const stop = naturalText.split(' ')[3] ?? '';
    const stopped = await converse({
      messages,
      inferenceConfig: { stopSequences: [stop] },
      additionalModelResponseFieldPaths: ['/stop_sequence'],
    });
    expect(stopped.stopReason).toBe('stop_sequence');
    expect(textOf(stopped.output?.message?.content)).toBe(naturalText.slice(0, naturalText.indexOf(stop)));
    expect(stopped.additionalModelResponseFields).toEqual({ stop_sequence: stop });
  });

  it('accepts an image block and bills it as input', async () => {
    const plain = await converse({ messages: ask('What is in the picture?') });
    const withImage = await converse({
      messages: [
        {
          role: 'user',
          content: [
            { text: 'What is in the picture?' },
            { image: { format: 'png', source: { bytes: new Uint8Array(4_000).fill(7) } } },
          ],
        },
      ],
    });
    expect(withImage.stopReason).toBe('end_turn');
    expect(withImage.usage?.inputTokens).toBeGreaterThan((plain.usage?.inputTokens ?? 0) + 30);
  });

  it('round-trips a tool call: toolUse with schema-valid input, then text quoting the toolResult', async () => {
    const messages = ask('Please call get_weather for Paris');
    const first = await converse({ messages, toolConfig: { tools } });
    expect(first.stopReason).toBe('tool_use');
    const toolUse = first.output?.message?.content?.find((block) => block.toolUse)?.toolUse;
    expect(toolUse?.toolUseId).toMatch(/^tooluse_[A-Za-z0-9]{22}$/);
    expect(toolUse?.name).toBe('get_weather');
    expect(checkJsonSchema(weatherSchema, toolUse?.input)).toEqual([]);
    expect((toolUse?.input as { city?: string } | undefined)?.city).toContain('Paris');

    const assistant = first.output?.message as Message;
    const second = await converse({
      messages: [
        ...messages,
        assistant,
        {
          role: 'user',
          content: [
            {
              toolResult: {
                toolUseId: toolUse?.toolUseId,
                content: [{ json: { temperature: 21, sky: 'clear' } }],
              },
            },
          ],
        },
      ],
      toolConfig: { tools },
    });
    expect(second.stopReason).toBe('end_turn');
    expect(textOf(second.output?.message?.content)).toContain(
      'get_weather returned {"temperature":21,"sky":"clear"}',
    );
  });

  it('forces a tool with toolChoice and counts tool definitions as input', async () => {
    const messages = ask('Hello there');
    const without = await converse({ messages });
    const forced = await converse({
      messages,
      toolConfig: { tools, toolChoice: { tool: { name: 'get_time' } } },
    });
    expect(forced.stopReason).toBe('tool_use');
    expect(forced.output?.message?.content?.[0]?.toolUse?.name).toBe('get_time');
    expect(forced.usage?.inputTokens).toBeGreaterThan((without.usage?.inputTokens ?? 0) + 50);
  });

  it('serves inference profiles and provisioned-model ARNs as their foundation model', async () => {
    const messages = ask('Profiles and ARNs');
    const profile = await converse({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages });
    const arn = `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefgh1234`;
    const provisioned = await converse({ modelId: arn, messages });
    const foundation = await converse({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages });
    expect(textOf(profile.output?.message?.content)).toBe(textOf(foundation.output?.message?.content));
    expect(textOf(provisioned.output?.message?.content)).toBe(textOf(foundation.output?.message?.content));
    const stats = sandbox.stats()['bedrock'] ?? {};
    expect(stats['abcdefgh1234']?.requests).toBeGreaterThan(0);
    expect(stats['us.anthropic.claude-3-5-haiku-20241022-v1:0']?.requests).toBeGreaterThan(0);
  });

  it('counts tokens exactly as Converse bills them', async () => {
    const messages = ask('How many tokens is this?');
    const answer = await converse({ messages, system: [{ text: 'Be brief.' }] });
    const counted = await test.client.send(
      new CountTokensCommand({
        modelId: SONNET,
        input: { converse: { messages, system: [{ text: 'Be brief.' }] } },
      }),
    );
    expect(counted.inputTokens).toBe(answer.usage?.inputTokens);
  });
});
