import {
  ConverseCommand,
  InvokeModelCommand,
  type InvokeModelCommandInput,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { checkJsonSchema } from '../testing/check-json-schema.js';
import { type BedrockTestClient, createBedrockTestClient, TRANSPORTS } from './create-bedrock-test-client.js';

const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const TITAN = 'amazon.titan-embed-text-v2:0';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
});
afterAll(() => sandbox.close());

interface AnthropicMessage {
  id: string;
  model: string;
  content: { type: string; text?: string; id?: string; name?: string; input?: Record<string, unknown> }[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: Record<string, number>;
  'amazon-bedrock-guardrailAction'?: string;
}

const orderSchema = {
  type: 'object',
  properties: { order: { type: 'string' }, rush: { type: 'boolean' } },
  required: ['order'],
};

function claudeBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 300,
    messages: [{ role: 'user', content: 'Describe the old lighthouse' }],
    ...extra,
  });
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    dot += value * (b[index] ?? 0);
    normA += value * value;
    normB += (b[index] ?? 0) ** 2;
  });
  return dot / Math.sqrt(normA * normB);
}

describe.each(TRANSPORTS)('InvokeModel through the AWS SDK over %s', (transport) => {
  let test: BedrockTestClient;
  beforeAll(() => {
    test = createBedrockTestClient(sandbox, transport);
  });
  afterAll(() => test.client.destroy());
  async function invoke<T>(
    input: Omit<InvokeModelCommandInput, 'modelId'> & { modelId?: string },
  ): Promise<T> {
    const output = await test.client.send(
      new InvokeModelCommand({
        modelId: SONNET,
        contentType: 'application/json',
        accept: 'application/json',
        ...input,
      }),
    );
    expect(output.contentType).toBe('application/json');
    return JSON.parse(Buffer.from(output.body).toString('utf8')) as T;
  }

  it('answers an Anthropic Messages body with an Anthropic message that agrees with Converse', async () => {
    const message = await invoke<AnthropicMessage>({ body: claudeBody() });
    expect(message.id).toMatch(/^msg_bdrk_01[A-Za-z0-9]{22}$/);
    expect(message.model).toBe('claude-3-5-sonnet-20241022');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    const converse = await test.client.send(
      new ConverseCommand({
        modelId: SONNET,
        messages: [{ role: 'user', content: [{ text: 'Describe the old lighthouse' }] }],
      }),
    );
    expect(message.content[0]?.text).toBe(converse.output?.message?.content?.[0]?.text);
    expect(message.usage['output_tokens']).toBe(converse.usage?.outputTokens);
  });

  it('honours max_tokens and stop_sequences in Claude vocabulary', async () => {
    const capped = await invoke<AnthropicMessage>({ body: claudeBody({ max_tokens: 4 }) });
    expect(capped.stop_reason).toBe('max_tokens');
    expect(capped.usage['output_tokens']).toBe(4);
    const natural = (await invoke<AnthropicMessage>({ body: claudeBody() })).content[0]?.text ?? '';
    const stop = natural.split(' ')[2] ?? '';
    const stopped = await invoke<AnthropicMessage>({ body: claudeBody({ stop_sequences: [stop] }) });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(stop);
  });

  it('round-trips Claude tool use: tool_use with schema-valid input, then tool_result quoted', async () => {
    const tools = [{ name: 'track_order', description: 'Order status', input_schema: orderSchema }];
    const question = { role: 'user', content: 'Please track_order 77-ALPHA' };
    const first = await invoke<AnthropicMessage>({ body: claudeBody({ tools, messages: [question] }) });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content[0];
    expect(toolUse?.type).toBe('tool_use');
    expect(toolUse?.id).toMatch(/^toolu_bdrk_01[A-Za-z0-9]{22}$/);
    expect(checkJsonSchema(orderSchema, toolUse?.input)).toEqual([]);
    const second = await invoke<AnthropicMessage>({
      body: claudeBody({
        tools,
        messages: [
          question,
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: toolUse?.id, content: 'shipped on Monday' }],
          },
        ],
      }),
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.text).toContain('track_order returned shipped on Monday');
  });

  it('refuses malformed Claude bodies with Bedrock and Claude wording', async () => {
    const bad = async (body: Record<string, unknown>) => {
      try {
        await invoke({ body: JSON.stringify(body) });
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(ValidationException);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const base = JSON.parse(claudeBody()) as Record<string, unknown>;
    const { anthropic_version: _version, ...noVersion } = base;
    expect(await bad(noVersion)).toBe(
      'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.',
    );
    expect(await bad({ ...base, model: 'claude' })).toBe(
      'Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again.',
    );
    expect(await bad({ ...base, messages: [{ role: 'system', content: 'x' }] })).toBe(
      "messages.0.role: Input should be 'user' or 'assistant'",
    );
    expect(await bad({ ...base, messages: [{ role: 'user', content: [{ type: 'video' }] }] })).toMatch(
      /^messages\.0\.content\.0: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image'/,
    );
  });

  it('answers for the guardrail named in the headers when the marker appears', async () => {
    const body = claudeBody({ messages: [{ role: 'user', content: 'Explain GUARDRAIL_BLOCK' }] });
    const blocked = await invoke<AnthropicMessage>({
      body,
      guardrailIdentifier: 'gr-1',
      guardrailVersion: 'DRAFT',
    });
    expect(blocked['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    expect(blocked.content[0]?.text).toBe('Sorry, the model cannot answer this question.');
    const clean = await invoke<AnthropicMessage>({
      body: claudeBody(),
      guardrailIdentifier: 'gr-1',
      guardrailVersion: 'DRAFT',
    });
    expect(clean['amazon-bedrock-guardrailAction']).toBe('NONE');
  });

  it('embeds with Titan v2: dimensions, unit length, determinism, similarity and token count', async () => {
    type Embedding = { embedding: number[]; inputTextTokenCount: number };
    const embed = (inputText: string, extra: Record<string, unknown> = {}) =>
      invoke<Embedding>({ modelId: TITAN, body: JSON.stringify({ inputText, ...extra }) });
    const full = await embed('the quick brown fox');
    expect(full.embedding).toHaveLength(1024);
    expect(full.inputTextTokenCount).toBe(4);
    expect(Math.hypot(...full.embedding)).toBeCloseTo(1, 4);
    expect((await embed('the quick brown fox')).embedding).toEqual(full.embedding);
    const small = await embed('the quick brown fox', { dimensions: 256 });
    expect(small.embedding).toHaveLength(256);
    const near = await embed('the quick brown fox jumps');
    const far = await embed('quarterly revenue forecast');
    expect(cosine(full.embedding, near.embedding)).toBeGreaterThan(cosine(full.embedding, far.embedding));
    const raw = await embed('the quick brown fox', { normalize: false });
    expect(Math.hypot(...raw.embedding)).not.toBeCloseTo(1, 2);
  });

  it('refuses bad Titan bodies, Titan streaming, and native bodies of Converse-only families', async () => {
    const message = async (input: Omit<InvokeModelCommandInput, 'body'> & { body: string }) => {
      try {
        await test.client.send(new InvokeModelCommand(input));
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(ValidationException);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(await message({ modelId: TITAN, body: JSON.stringify({ inputText: 'x', dimensions: 100 }) })).toBe(
      'Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat your input and try again.',
    );
    await expect(
      test.client.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: TITAN,
          body: JSON.stringify({ inputText: 'x' }),
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    expect(
      await message({ modelId: 'meta.llama3-3-70b-instruct-v1:0', body: JSON.stringify({ prompt: 'hi' }) }),
    ).toMatch(/call Converse for meta\.llama3-3-70b-instruct-v1:0/);
  });
});
