import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { Provider } from '../provider.js';
import {
  callOptions,
  collect,
  type FixtureHandler,
  readFixture,
  replyEvents,
  replyJson,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import {
  type AzureOpenAIConfig,
  type AzureOpenAIOptions,
  createAzureOpenAIProvider,
} from './azure-openai-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startAzure(
  handler: FixtureHandler,
  config: Partial<AzureOpenAIConfig> = { apiKey: 'azure-key' },
  options: AzureOpenAIOptions = {},
): Promise<Provider> {
  const server = await upstream.start(handler);
  return createAzureOpenAIProvider(
    'azure-eu',
    { type: 'azure-openai', endpoint: `${server.origin}/`, apiVersion: '2024-10-21', ...config },
    { http: upstream.http, log: upstream.log },
    options,
  );
}

const bonjour: ChatRequest = {
  model: 'gpt-4o',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Bonjour' }] }],
  maxOutputTokens: 50,
};

const promptFilterResults = [
  {
    prompt_index: 0,
    content_filter_results: expect.objectContaining({ jailbreak: { filtered: false, detected: false } }),
  },
];

describe('azure-openai provider: requests', () => {
  it('posts to the deployment URL with api-version and the api-key header; keeps content-filter results', async () => {
    const provider = await startAzure(replyJson(200, fixture('azure-text.json')));
    const result = await provider.generate({ ...bonjour, topK: 5 }, callOptions('gpt-4o prod'));
    const request = upstream.lastRequest();
    expect(request.url).toBe('/openai/deployments/gpt-4o%20prod/chat/completions?api-version=2024-10-21');
    expect(request.headers['api-key']).toBe('azure-key');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.json).toEqual({
      model: 'gpt-4o prod',
      messages: [{ role: 'user', content: 'Bonjour' }],
      max_completion_tokens: 50,
    });
    expect(result).toMatchObject({
      content: [{ type: 'text', text: 'Bonjour ! Comment puis-je vous aider ?' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 19, outputTokens: 11 },
      modelId: 'gpt-4o-2024-11-20',
      warnings: [expect.objectContaining({ setting: 'topK' })],
      providerMetadata: {
        'azure-openai': {
          promptFilterResults,
          contentFilterResults: expect.objectContaining({ violence: { filtered: false, severity: 'safe' } }),
        },
      },
    });
  });

  it('uses max_tokens and no stream_options on api versions older than 2024-09-01', async () => {
    const provider = await startAzure(replyEvents(fixture('azure-stream-annotations.chunks.txt')), {
      apiKey: 'azure-key',
      apiVersion: '2024-06-01',
    });
    await collect(await provider.stream({ ...bonjour, stream: true }, callOptions('gpt-4o')));
    expect(upstream.lastRequest().url).toBe(
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01',
    );
    expect(upstream.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Bonjour' }],
      max_tokens: 50,
      stream: true,
    });
  });

  it('sends an Entra ID bearer token from the token provider instead of api-key', async () => {
    const provider = await startAzure(
      replyJson(200, fixture('azure-text.json')),
      { auth: { type: 'entra', scope: 'https://cognitiveservices.azure.com/.default' } },
      { tokenProvider: { getToken: async () => 'eyJ.entra.token' } },
    );
    await provider.generate(bonjour, callOptions('gpt-4o'));
    expect(upstream.lastRequest().headers.authorization).toBe('Bearer eyJ.entra.token');
    expect(upstream.lastRequest().headers['api-key']).toBeUndefined();
  });

  it('embeds through the deployment embeddings URL', async () => {
    const body = JSON.stringify({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: 'AACAPwAAAMA=' }],
      model: 'text-embedding-3-large',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    const provider = await startAzure(replyJson(200, body));
    const result = await provider.embed?.({ model: 'e', input: ['hi'] }, callOptions('embed-large'));
    expect(upstream.lastRequest().url).toBe(
      '/openai/deployments/embed-large/embeddings?api-version=2024-10-21',
    );
    expect(result?.embeddings).toEqual([[1, -2]]);
  });

  it('refuses ambiguous or missing auth config with the provider path in the message', () => {
    const dependencies = { http: upstream.http, log: upstream.log };
    const base = {
      type: 'azure-openai',
      endpoint: 'https://r.openai.azure.com',
      apiVersion: '2024-10-21',
    } as const;
    expect(() => createAzureOpenAIProvider('azure-eu', base, dependencies)).toThrow(
      /providers\.azure-eu: .*apiKey or auth/,
    );
    expect(() =>
      createAzureOpenAIProvider(
        'azure-eu',
        { ...base, apiKey: 'k', auth: { type: 'api-key', apiKey: 'k' } },
        dependencies,
      ),
    ).toThrow(/either apiKey or auth/);
    expect(() =>
      createAzureOpenAIProvider(
        'azure-eu',
        {
          ...base,
          auth: { type: 'entra', clientSecret: 's', scope: 'https://cognitiveservices.azure.com/.default' },
        },
        dependencies,
      ),
    ).toThrow(/providers\.azure-eu\.auth\.clientSecret needs auth\.tenantId/);
  });
});

describe('azure-openai provider: content filter', () => {
  it('a prompt blocked with HTTP 400 content_filter becomes content_filtered, not retryable, verdict kept', async () => {
    const provider = await startAzure(replyJson(400, fixture('azure-content-filter.json')));
    const error = await provider.generate(bonjour, callOptions('gpt-4o')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'content_filtered',
      status: 400,
      isRetryable: false,
      param: 'prompt',
      message: expect.stringContaining("triggering Azure OpenAI's content management policy"),
      details: {
        innerCode: 'ResponsibleAIPolicyViolation',
        contentFilterResult: expect.objectContaining({ jailbreak: { filtered: true, detected: true } }),
      },
    });
  });

  it('finish_reason content_filter maps to content-filter with the filter results in metadata', async () => {
    const provider = await startAzure(replyJson(200, fixture('azure-content-filter-finish.json')));
    const result = await provider.generate(bonjour, callOptions('gpt-4o'));
    expect(result.content).toEqual([]);
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'content_filter' });
    expect(result.providerMetadata?.['azure-openai']).toMatchObject({
      contentFilterResults: { violence: { filtered: true, severity: 'high' } },
    });
  });

  it('stream: the anonymous annotation chunk becomes a metadata part after stream-start', async () => {
    const provider = await startAzure(replyEvents(fixture('azure-stream-annotations.chunks.txt')));
    const parts = await collect(await provider.stream({ ...bonjour, stream: true }, callOptions('gpt-4o')));
    expect(upstream.lastRequest().json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const annotated: StreamPart = {
      type: 'metadata',
      providerMetadata: {
        'azure-openai': { contentFilterResults: expect.objectContaining({ hate: expect.anything() }) },
      },
    };
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: [],
        modelId: 'gpt-4o-2024-11-20',
        responseId: 'chatcmpl-BQ7azureStream',
      },
      { type: 'metadata', providerMetadata: { 'azure-openai': { promptFilterResults } } },
      annotated,
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Bonjour ! Comment' },
      annotated,
      { type: 'text-delta', id: 'text-0', delta: ' puis-je vous aider ?' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: {
          inputTokens: 19,
          outputTokens: 11,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    ]);
  });

  it('stream: an asynchronous-filter verdict arrives as metadata with offsets and ends in content-filter', async () => {
    const provider = await startAzure(replyEvents(fixture('azure-stream-async-filter.chunks.txt')));
    const parts = await collect(await provider.stream({ ...bonjour, stream: true }, callOptions('gpt-4o')));
    expect(parts.filter((part) => part.type === 'metadata').at(-1)).toMatchObject({
      providerMetadata: {
        'azure-openai': {
          contentFilterResults: { violence: { filtered: true, severity: 'high' } },
          contentFilterOffsets: { check_offset: 0, start_offset: 0, end_offset: 11 },
        },
      },
    });
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'content-filter', raw: 'content_filter' },
      providerMetadata: { 'azure-openai': { usageMissing: true } },
    });
  });
});

describe('azure-openai provider: rate limits', () => {
  it('429 with retry-after-ms and the Azure body: retryable, hint in ms, message kept', async () => {
    const provider = await startAzure(
      replyJson(429, fixture('azure-rate-limit.json'), { 'retry-after-ms': '21950', 'retry-after': '22' }),
    );
    await expect(provider.stream({ ...bonjour, stream: true }, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 21950,
      message: expect.stringContaining('exceeded token rate limit'),
      details: { upstreamCode: '429' },
    });
  });
});
