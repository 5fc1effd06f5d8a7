import { ConverseCommand, type Message } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
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
beforeEach(() => {
  fixture.provider.reset();
  fixture.openai.reset();
});

const hi: Message[] = [{ role: 'user', content: [{ text: 'Hi' }] }];

describe('Converse through @aws-sdk/client-bedrock-runtime', () => {
  it('answers text with stop reason, usage, latency and the request id, and records usage', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [{ type: 'text', text: 'Bonjour' }],
        usage: { ...emptyUsage(), inputTokens: 120, cacheReadTokens: 100, outputTokens: 7 },
        modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      },
    });
    const client = bedrockClient(fixture.url);
    const output = await client.send(
      new ConverseCommand({
        modelId: CLAUDE_ID,
        system: [{ text: 'Answer in French.' }],
        messages: hi,
        inferenceConfig: { maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      }),
    );
    expect(output.output?.message).toEqual({ role: 'assistant', content: [{ text: 'Bonjour' }] });
    expect(output.stopReason).toBe('end_turn');
    expect(output.usage).toEqual({
      inputTokens: 20,
      outputTokens: 7,
      totalTokens: 127,
      cacheReadInputTokens: 100,
      cacheWriteInputTokens: 0,
    });
    expect(output.metrics?.latencyMs).toEqual(expect.any(Number));
    expect(fixture.provider.lastRequest()).toEqual({
      model: 'claude-sonnet',
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      maxOutputTokens: 50,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
    } satisfies ChatRequest);
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === output.$metadata.requestId,
    );
    expect(row).toMatchObject({
      status: 'ok',
      dialect: 'bedrock',
      keyName: 'full',
      modelRequested: 'claude-sonnet',
      inputTokens: 120,
      cacheReadTokens: 100,
    });
  });

  it.each([
    ['a plain foundation model id', CLAUDE_ID],
    ['an inference profile id', `eu.${CLAUDE_ID}`],
    ['a global inference profile id', `global.${CLAUDE_ID}`],
    ['a foundation-model ARN', `arn:aws:bedrock:eu-central-1::foundation-model/${CLAUDE_ID}`],
    [
      'an inference-profile ARN',
      `arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.${CLAUDE_ID}`,
    ],
    ['a Converge alias', 'sonnet'],
  ])('maps %s to the Converge model', async (_kind, modelId) => {
    const output = await bedrockClient(fixture.url).send(new ConverseCommand({ modelId, messages: hi }));
    expect(output.output?.message?.content).toEqual([{ text: 'Hello world' }]);
    expect(fixture.provider.lastRequest().model).toBe('claude-sonnet');
  });

  it('answers an unknown model with ResourceNotFoundException (404)', async () => {
    const error = await bedrockClient(fixture.url)
      .send(new ConverseCommand({ modelId: 'eu.meta.llama3-2-90b-instruct-v1:0', messages: hi }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: expect.stringContaining('eu.meta.llama3-2-90b-instruct-v1:0'),
    });
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it('passes image bytes through as base64 and marks cache points on the part before them', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    await bedrockClient(fixture.url).send(
      new ConverseCommand({
        modelId: CLAUDE_ID,
        system: [{ text: 'Long instructions.' }, { cachePoint: { type: 'default' } }],
        messages: [
          {
            role: 'user',
            content: [
              { image: { format: 'png', source: { bytes: png } } },
              { text: 'What is this?' },
              { cachePoint: { type: 'default' } },
            ],
          },
        ],
      }),
    );
    expect(fixture.provider.lastRequest().messages).toEqual([
      {
        role: 'system',
        content: [{ type: 'text', text: 'Long instructions.', cacheControl: { ttl: '5m' } }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'image',
            source: { type: 'base64', mediaType: 'image/png', data: Buffer.from(png).toString('base64') },
          },
          { type: 'text', text: 'What is this?', cacheControl: { ttl: '5m' } },
        ],
      },
    ]);
  });

  it('round-trips a tool call: toolUse out, then toolUse + toolResult back in', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'tooluse_1', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    });
    const client = bedrockClient(fixture.url);
    const toolConfig = {
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather by city',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        },
      ],
      toolChoice: { any: {} },
    };
    const first = await client.send(new ConverseCommand({ modelId: CLAUDE_ID, messages: hi, toolConfig }));
    expect(first.stopReason).toBe('tool_use');
    const assistant = first.output?.message;
    expect(assistant?.content).toEqual([
      { text: 'Let me look.' },
      { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } } },
    ]);
    expect(fixture.provider.lastRequest()).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'Weather by city',
          inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      toolChoice: { type: 'required' },
    });
    if (assistant === undefined) throw new Error('no assistant message');
    await client.send(
      new ConverseCommand({
        modelId: CLAUDE_ID,
        toolConfig: { tools: toolConfig.tools, toolChoice: { tool: { name: 'get_weather' } } },
        messages: [
          ...hi,
          assistant,
          {
            role: 'user',
            content: [
              { text: 'Here you go.' },
              {
                toolResult: {
                  toolUseId: 'tooluse_1',
                  content: [{ json: { temperature: 21 } }, { text: 'sunny' }],
                },
              },
            ],
          },
        ],
      }),
    );
    const request = fixture.provider.lastRequest();
    expect(request.toolChoice).toEqual({ type: 'tool', toolName: 'get_weather' });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'tooluse_1', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'tooluse_1',
            toolName: 'get_weather',
            output: [
              { type: 'text', text: '{"temperature":21}' },
              { type: 'text', text: 'sunny' },
            ],
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Here you go.' }] },
    ]);
  });

  it('returns reasoning content and echoes a Bedrock upstream trace and response fields', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'reasoning', text: 'Thinking…', signature: 'sig-1' },
          { type: 'reasoning', text: '', redactedData: 'cmVkYWN0ZWQ=' },
          { type: 'text', text: '42' },
        ],
        finishReason: { unified: 'content-filter', raw: 'guardrail_intervened' },
        providerMetadata: {
          bedrock: {
            additionalModelResponseFields: { stop_sequence: null },
            trace: { guardrail: { actionReason: 'blocked' } },
          },
        },
      },
    });
    const output = await bedrockClient(fixture.url).send(
      new ConverseCommand({ modelId: CLAUDE_ID, messages: hi }),
    );
    expect(output.output?.message?.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'Thinking…', signature: 'sig-1' } } },
      { reasoningContent: { redactedContent: new Uint8Array(Buffer.from('redacted')) } },
      { text: '42' },
    ]);
    expect(output.stopReason).toBe('guardrail_intervened');
    expect(output.additionalModelResponseFields).toEqual({ stop_sequence: null });
    expect(output.trace).toEqual({ guardrail: { actionReason: 'blocked' } });
  });

  it('maps top_k, passes Bedrock-only fields to Bedrock targets and warns when another cloud serves them', async () => {
    const command = (modelId: string) =>
      new ConverseCommand({
        modelId,
        messages: hi,
        additionalModelRequestFields: { top_k: 40, thinking: { type: 'enabled', budget_tokens: 1024 } },
        guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
        requestMetadata: { team: 'search' },
        performanceConfig: { latency: 'optimized' },
        serviceTier: { type: 'priority' },
      });
    const bedrock = bedrockClient(fixture.url);
    const onBedrock = captureResponseHeaders(bedrock);
    await bedrock.send(command(CLAUDE_ID));
    expect(fixture.provider.lastRequest()).toMatchObject({
      topK: 40,
      providerOptions: {
        bedrock: {
          additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
          guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' },
          requestMetadata: { team: 'search' },
          performanceConfig: { latency: 'optimized' },
          serviceTier: { type: 'priority' },
        },
      },
    });
    expect(onBedrock.headers['x-converge-warnings']).toBeUndefined();

    const other = bedrockClient(fixture.url);
    const onOpenAI = captureResponseHeaders(other);
    await other.send(command('gpt-4o'));
    expect(fixture.openai.lastRequest().topK).toBe(40);
    expect(onOpenAI.headers['x-converge-warnings']).toBe(
      [
        'guardrailConfig',
        'requestMetadata',
        'performanceConfig',
        'serviceTier',
        'additionalModelRequestFields',
      ]
        .map((setting) => `unsupported-setting=${setting}`)
        .join(', '),
    );
  });

  it('reports what the conversion could not keep in x-converge-warnings', async () => {
    const client = bedrockClient(fixture.url);
    const seen = captureResponseHeaders(client);
    await client.send(
      new ConverseCommand({
        modelId: CLAUDE_ID,
        messages: [{ role: 'user', content: [{ guardContent: { text: { text: 'Is this allowed?' } } }] }],
      }),
    );
    expect(seen.headers['x-converge-warnings']).toBe('other=guardContent was sent as plain text');
    expect(fixture.provider.lastRequest().messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Is this allowed?' }] },
    ]);
  });
});
