import Anthropic from '@anthropic-ai/sdk';
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converseStreamText, converseText, tinyPng, toolRoundTrip } from './bedrock-client-helpers.js';
import { type BedrockStack, startBedrockStack } from './bedrock-stack.js';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

type Handler = 'default (HTTP/2)' | 'NodeHttpHandler (HTTP/1.1)';
const HANDLERS: Handler[] = ['default (HTTP/2)', 'NodeHttpHandler (HTTP/1.1)'];

describe.each(HANDLERS)('Bedrock runtime SDK through the gateway, %s', (handler) => {
  let stack: BedrockStack;
  let http1Before = 0;
  const clientFor = (overrides: Partial<BedrockRuntimeClientConfig> = {}) =>
    new BedrockRuntimeClient({
      endpoint: stack.gateway.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      ...(handler === 'default (HTTP/2)' ? {} : { requestHandler: new NodeHttpHandler() }),
      ...overrides,
    });

  beforeAll(async () => {
    stack = await startBedrockStack();
    http1Before = stack.http1Requests();
  });
  afterAll(async () => {
    // The default handler speaks HTTP/2 (prior knowledge) to an http:// endpoint: no HTTP/1.1 request
    // reached the gateway's listener; NodeHttpHandler's did.
    if (handler === 'default (HTTP/2)') expect(stack.http1Requests() - http1Before).toBe(0);
    else expect(stack.http1Requests() - http1Before).toBeGreaterThan(0);
    await stack.close();
  });

  describe('served by the Bedrock sandbox', () => {
    it('Converse: system prompt and stop sequences', async () => {
      const client = clientFor();
      const request: ConverseCommandInput = {
        modelId: CLAUDE,
        system: [{ text: 'You are terse.' }],
        messages: [{ role: 'user', content: [{ text: 'Describe the sea in a few sentences' }] }],
        inferenceConfig: { maxTokens: 60 },
      };
      const plain = await converseText(client, request);
      expect(plain.text.length).toBeGreaterThan(0);
      expect(plain.output.usage?.inputTokens).toBeGreaterThan(0);
      const words = plain.text.split(/\s+/).filter((word) => /^[A-Za-z]{4,}$/.test(word));
      const stopWord = words[Math.floor(words.length / 2)] ?? '';
      expect(stopWord).not.toBe('');
      const stopped = await converseText(client, {
        ...request,
        inferenceConfig: { maxTokens: 60, stopSequences: [stopWord] },
      });
      expect(stopped.output.stopReason).toBe('stop_sequence');
      expect(stopped.text).not.toContain(stopWord);
      expect(plain.text.startsWith(stopped.text.trimEnd())).toBe(true);
      // The row names the public model the Bedrock id resolved to, and the upstream id it served.
      const row = await stack.waitForRow(
        (r) => r.dialect === 'bedrock' && r.modelRequested === 'claude-3-5-sonnet',
      );
      expect(row).toMatchObject({ provider: 'sandbox-bedrock', modelServed: CLAUDE });
      expect(row.keyName).toBe('bedrock-e2e');
    });

    it('Converse: image input', async () => {
      const { output, text } = await converseText(clientFor(), {
        modelId: CLAUDE,
        messages: [
          {
            role: 'user',
            content: [
              { text: 'What colour is this?' },
              { image: { format: 'png', source: { bytes: tinyPng() } } },
            ],
          },
        ],
      });
      expect(text.length).toBeGreaterThan(0);
      // Images count ≈ 85 tokens at least in the sandbox's meter.
      expect(output.usage?.inputTokens).toBeGreaterThan(85);
    });

    it('Converse: toolUse → toolResult round trip quoting the result', async () => {
      expect(await toolRoundTrip(clientFor(), CLAUDE)).toContain('18 degrees and sunny');
    });

    it('ConverseStream deltas reassemble to the Converse text, with usage in metadata', async () => {
      const client = clientFor();
      const request: ConverseCommandInput = {
        modelId: CLAUDE,
        system: [{ text: 'Answer in prose.' }],
        messages: [{ role: 'user', content: [{ text: 'Tell me about lighthouses' }] }],
        inferenceConfig: { maxTokens: 40 },
      };
      const whole = await converseText(client, request);
      const streamed = await converseStreamText(client, request);
      expect(streamed.text).toBe(whole.text);
      expect(streamed.stopReason).toBe(whole.output.stopReason);
      expect(streamed.usage?.inputTokens).toBe(whole.output.usage?.inputTokens);
      expect(streamed.usage?.outputTokens).toBe(whole.output.usage?.outputTokens);
    });

    it('InvokeModel with an Anthropic Messages body', async () => {
      const output = await clientFor().send(
        new InvokeModelCommand({
          modelId: CLAUDE,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({
            anthropic_version: 'bedrock-2023-05-31',
            max_tokens: 30,
            messages: [{ role: 'user', content: 'Say hello' }],
          }),
        }),
      );
      const body = JSON.parse(new TextDecoder().decode(output.body)) as {
        type: string;
        role: string;
        content: Array<{ type: string; text: string }>;
        usage: { input_tokens: number; output_tokens: number };
      };
      expect(body).toMatchObject({ type: 'message', role: 'assistant' });
      expect(body.content[0]?.text.length).toBeGreaterThan(0);
      expect(body.usage.input_tokens).toBeGreaterThan(0);
      expect(body.usage.output_tokens).toBeGreaterThan(0);
    });
  });

  describe('served by the OpenAI/Azure sandbox (cross-dialect)', () => {
    it('Converse text, ConverseStream reassembly, usage', async () => {
      const client = clientFor();
      const request: ConverseCommandInput = {
        modelId: 'gpt-4o-mini',
        messages: [{ role: 'user', content: [{ text: 'Name three rivers' }] }],
        inferenceConfig: { maxTokens: 30 },
      };
      const whole = await converseText(client, request);
      expect(whole.text.length).toBeGreaterThan(0);
      expect(whole.output.usage?.inputTokens).toBeGreaterThan(0);
      expect(whole.output.usage?.outputTokens).toBeGreaterThan(0);
      const streamed = await converseStreamText(client, request);
      expect(streamed.text).toBe(whole.text);
      expect(streamed.usage?.outputTokens).toBe(whole.output.usage?.outputTokens);
      const row = await stack.waitForRow(
        (r) => r.dialect === 'bedrock' && r.modelRequested === 'gpt-4o-mini',
      );
      expect(row.provider).toBe('sandbox-azure');
    });

    it('tool round trip', async () => {
      expect(await toolRoundTrip(clientFor(), 'gpt-4o-mini')).toContain('18 degrees and sunny');
    });

    it('system prompt, stop sequences and an image cross over to the OpenAI wire', async () => {
      const client = clientFor();
      const request: ConverseCommandInput = {
        modelId: 'gpt-4o-mini',
        system: [{ text: 'You are terse.' }],
        messages: [
          {
            role: 'user',
            content: [
              { text: 'What colour is this?' },
              { image: { format: 'png', source: { bytes: tinyPng() } } },
            ],
          },
        ],
        inferenceConfig: { maxTokens: 60 },
      };
      const plain = await converseText(client, request);
      // The image reached the upstream as an image part: the OpenAI sandbox meters it (≥ 85 tokens).
      expect(plain.output.usage?.inputTokens).toBeGreaterThan(85);
      const words = plain.text.split(/\s+/).filter((word) => /^[A-Za-z]{4,}$/.test(word));
      const stopWord = words[Math.floor(words.length / 2)] ?? '';
      expect(stopWord).not.toBe('');
      const stopped = await converseText(client, {
        ...request,
        inferenceConfig: { maxTokens: 60, stopSequences: [stopWord] },
      });
      expect(stopped.output.stopReason).toBe('end_turn');
      expect(stopped.text).not.toContain(stopWord);
      expect(plain.text.startsWith(stopped.text.trimEnd())).toBe(true);
    });
  });

  it('accepts the virtual key as a Bedrock API key (Bearer)', async () => {
    const client = clientFor({
      credentials: undefined,
      token: { token: stack.virtualKey },
      authSchemePreference: ['httpBearerAuth'],
    });
    let authorization: string | undefined;
    client.middlewareStack.add(
      (next) => async (args) => {
        authorization = (args.request as { headers: Record<string, string> }).headers['Authorization'];
        return next(args);
      },
      { step: 'deserialize' },
    );
    const { text } = await converseText(client, {
      modelId: CLAUDE,
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    });
    expect(text.length).toBeGreaterThan(0);
    expect(authorization).toBe(`Bearer ${stack.virtualKey}`);
  });

  describe('errors', () => {
    const hello: ConverseCommandInput = {
      modelId: CLAUDE,
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    };

    it('a wrong secret → InvalidSignatureException', async () => {
      const client = clientFor({
        credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: 'x'.repeat(40) },
      });
      await expect(client.send(new ConverseCommand(hello))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
    });

    it('a skewed clock → the expired-signature error', async () => {
      const client = clientFor({ systemClockOffset: -10 * 60 * 1000 });
      await expect(client.send(new ConverseCommand(hello))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: expect.stringMatching(/expired/i),
      });
    });

    it('an unknown model → ResourceNotFoundException', async () => {
      await expect(
        clientFor().send(new ConverseCommand({ ...hello, modelId: 'no-such-model' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('a malformed body → ValidationException naming the field', async () => {
      await expect(
        clientFor().send(new ConverseCommand({ ...hello, inferenceConfig: { maxTokens: -1 } })),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('maxTokens') });
    });

    it('an upstream cut mid-stream → an in-stream exception and an error row with partial tokens', async () => {
      const output = await clientFor().send(
        new ConverseStreamCommand({
          modelId: 'claude-cut',
          messages: [{ role: 'user', content: [{ text: 'Tell me a long story about lighthouses' }] }],
          inferenceConfig: { maxTokens: 500 },
        }),
      );
      let text = '';
      let caught: unknown;
      try {
        for await (const event of output.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
      } catch (error: unknown) {
        caught = error;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(caught).toBeInstanceOf(Error);
      // Not a silent end: the SDK raises the in-stream exception the gateway wrote after the cut.
      expect((caught as Error).name).toBe('ModelStreamErrorException');
      const row = await stack.waitForRow((r) => r.modelRequested === 'claude-cut');
      expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_error', provider: 'cut-bedrock' });
      // The upstream never sent its usage: the tokens streamed so far are estimated.
      expect(row.usageEstimated).toBe(true);
      expect(row.outputTokens).toBeGreaterThan(0);
    });
  });
});

describe('other SDKs through the gateway, served by the Bedrock sandbox', () => {
  let stack: BedrockStack;
  beforeAll(async () => {
    stack = await startBedrockStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('openai: streaming text, a tool call, usage (no cached tokens: Bedrock caches only at explicit points)', async () => {
    const client = new OpenAI({
      baseURL: `${stack.gateway.url}/v1`,
      apiKey: stack.virtualKey,
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'claude-3-5-sonnet',
      messages: [{ role: 'user', content: 'Tell me about lighthouses' }],
      max_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const tool = await client.chat.completions.create({
      model: 'claude-3-5-sonnet',
      messages: [{ role: 'user', content: 'Weather in Paris? Use get_weather.' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
    });
    expect(tool.choices[0]?.finish_reason).toBe('tool_calls');
    const call = tool.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    // An OpenAI request carries no cache points, and Bedrock caches only at explicit `cachePoint`s:
    // repeating a long prompt legitimately reports 0 cached tokens.
    const long = `${'The lighthouse keeper logged every passing ship with care. '.repeat(150)}Summarise.`;
    for (let round = 0; round < 2; round++) {
      const reply = await client.chat.completions.create({
        model: 'claude-3-5-sonnet',
        messages: [{ role: 'user', content: long }],
        max_tokens: 5,
      });
      expect(reply.usage?.prompt_tokens).toBeGreaterThan(1_024);
      expect(reply.usage?.prompt_tokens_details?.cached_tokens ?? 0).toBe(0);
    }
    const row = await stack.waitForRow((r) => r.dialect === 'openai' && r.stream);
    expect(row.provider).toBe('sandbox-bedrock');
  });

  it('anthropic: cache_control on a long system prompt writes, then reads, the Bedrock cache', async () => {
    const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.virtualKey, maxRetries: 0 });
    const system = `${'Harbour rules: keep the lamp lit, log each ship, and sound the horn in fog. '.repeat(120)}`;
    const ask = () =>
      client.messages.create({
        model: 'claude-3-7-sonnet',
        max_tokens: 10,
        system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'What are the rules?' }],
      });
    const first = await ask();
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1_000);
    expect(first.usage.cache_read_input_tokens ?? 0).toBe(0);
    const second = await ask();
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens ?? 0).toBe(0);
    const row = await stack.waitForRow((r) => r.dialect === 'anthropic' && r.cacheReadTokens > 0);
    expect(row.provider).toBe('sandbox-bedrock');
  });
});
