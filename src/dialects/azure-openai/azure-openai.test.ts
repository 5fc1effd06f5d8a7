import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import {
  type DialectFixture,
  FULL_KEY,
  startDialectFixture,
} from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startDialectFixture('azure-openai');
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const azure = (deployment = 'gpt-4o', apiKey = FULL_KEY) =>
  new AzureOpenAI({ endpoint: fixture.url, apiKey, apiVersion: '2024-10-21', deployment, maxRetries: 0 });
const azureV1 = (apiKey = FULL_KEY) =>
  new OpenAI({ baseURL: `${fixture.url}/openai/v1`, apiKey, maxRetries: 0 });
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];

const safe = { filtered: false, severity: 'safe' };
const promptFilterResults = [
  {
    prompt_index: 0,
    content_filter_results: { hate: safe, jailbreak: { filtered: false, detected: false } },
  },
];
const contentFilterResults = { hate: safe, violence: safe };
const azureMetadata = { 'azure-openai': { promptFilterResults, contentFilterResults } };

describe('Azure OpenAI dated API through the AzureOpenAI client', () => {
  it('serves the deployment named in the path, echoing content-filter annotations and Azure headers', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [{ type: 'text', text: 'Hello' }],
        modelId: 'gpt-4o-2024-11-20',
        providerMetadata: azureMetadata,
      },
    });
    const { data, response } = await azure()
      .chat.completions.create({ model: 'ignored-by-azure', messages })
      .withResponse();
    expect(fixture.provider.lastRequest().model).toBe('gpt-4o');
    expect(data.model).toBe('gpt-4o-2024-11-20');
    expect(data.choices[0]?.message.content).toBe('Hello');
    expect(data).toMatchObject({
      prompt_filter_results: promptFilterResults,
      choices: [{ content_filter_results: contentFilterResults }],
    });
    const requestId = response.headers.get('apim-request-id');
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'ok',
      dialect: 'azure-openai',
      modelRequested: 'gpt-4o',
      keyName: 'full',
    });
  });

  it('streams Azure’s prompt-annotation chunk first, content-filter results in place, and content_filter finishes', async () => {
    const usage = { ...emptyUsage(), inputTokens: 3, outputTokens: 2 };
    const parts: StreamPart[] = [
      { type: 'stream-start', warnings: [], modelId: 'gpt-4o-2024-11-20' },
      { type: 'metadata', providerMetadata: { 'azure-openai': { promptFilterResults } } },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      { type: 'metadata', providerMetadata: { 'azure-openai': { contentFilterResults } } },
      { type: 'text-delta', id: 't', delta: 'lo' },
      {
        type: 'finish',
        usage,
        finishReason: { unified: 'content-filter', raw: 'content_filter' },
        providerMetadata: {
          'azure-openai': {
            contentFilterResults: { ...contentFilterResults, violence: { filtered: true, severity: 'high' } },
          },
        },
      },
    ];
    fixture.provider.enqueue({ type: 'stream', parts });
    const chunks: Array<Record<string, unknown>> = [];
    for await (const chunk of await azure().chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) {
      chunks.push(chunk as unknown as Record<string, unknown>);
    }
    expect(chunks[0]).toEqual({
      id: '',
      object: '',
      created: 0,
      model: '',
      prompt_filter_results: promptFilterResults,
      choices: [],
    });
    const choices = chunks.slice(1).map((chunk) => (chunk['choices'] as Array<Record<string, unknown>>)[0]);
    expect(choices.map((choice) => choice?.['delta'])).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Hel' },
      {},
      { content: 'lo' },
      {},
    ]);
    expect(choices[2]).toMatchObject({ content_filter_results: contentFilterResults, finish_reason: null });
    expect(choices[4]).toMatchObject({
      finish_reason: 'content_filter',
      content_filter_results: { violence: { filtered: true } },
    });
    expect(chunks[1]).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o-2024-11-20' });
  });

  it('assembles an annotated stream with the stream() helper', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'metadata', providerMetadata: { 'azure-openai': { promptFilterResults } } },
        { type: 'text-delta', id: 't', delta: 'Hi there' },
        { type: 'finish', usage: emptyUsage(), finishReason: { unified: 'stop', raw: 'stop' } },
      ],
    });
    const final = await azure().chat.completions.stream({ model: 'gpt-4o', messages }).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Hi there');
    expect(final.id).toMatch(/^chatcmpl-/);
  });

  it('a prompt blocked by the content filter → BadRequestError with Azure’s content_filter body', async () => {
    const verdict = { hate: safe, jailbreak: { filtered: true, detected: true } };
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError(
        'The response was filtered due to the prompt triggering Azure OpenAI’s content management policy.',
        {
          url: 'https://azure.test',
          statusCode: 400,
          code: 'content_filtered',
          details: { innerCode: 'ResponsibleAIPolicyViolation', contentFilterResult: verdict },
        },
      ),
    });
    const error = await azure()
      .chat.completions.create({ model: 'gpt-4o', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const badRequest = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect([badRequest.status, badRequest.code, badRequest.param]).toEqual([400, 'content_filter', 'prompt']);
    expect(badRequest.error).toMatchObject({
      status: 400,
      type: null,
      innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: verdict },
    });
    expect(badRequest.headers?.get('x-converge-error-code')).toBe('content_filtered');
    expect(badRequest.headers?.get('apim-request-id')).toBe(badRequest.requestID);
  });

  it('answers errors in Azure’s shape: stable code, message, param, no OpenAI type', async () => {
    const notFound = await azure('gpt-4o-mni')
      .chat.completions.create({ model: 'x', messages })
      .catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect((notFound as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      code: 'model_not_found',
      message: expect.stringContaining('`gpt-4o-mini`?'),
      param: 'model',
    });
    const unauthorized = await azure('gpt-4o', 'wrong-key-0000000000000000')
      .chat.completions.create({ model: 'x', messages })
      .catch((caught: unknown) => caught);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorized as InstanceType<typeof OpenAI.AuthenticationError>).error).toEqual({
      code: 'invalid_api_key',
      message: 'Incorrect API key provided: wron****************0000.',
    });
  });

  it('malformed JSON and oversized bodies get Azure-shaped 400 and 413', async () => {
    const url = `${fixture.url}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`;
    const malformed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': FULL_KEY },
      body: '{oops',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: Record<string, unknown> }).error).toEqual({
      code: 'invalid_json',
      message: expect.stringContaining('could not parse the JSON body'),
    });
    const large = await azure()
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
      })
      .catch((caught: unknown) => caught);
    expect(large).toMatchObject({ status: 413, code: 'request_too_large' });
    await fixture.waitForUsageRow(
      (row) => row.dialect === 'azure-openai' && row.errorCode === 'request_too_large',
    );
  });

  it('refuses a dated path without api-version like Azure (404), recording the rejection', async () => {
    const response = await fetch(`${fixture.url}/openai/deployments/gpt-4o/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': FULL_KEY },
      body: JSON.stringify({ messages }),
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      code: 'not_found',
      param: 'api-version',
    });
    await fixture.waitForUsageRow((row) => row.dialect === 'azure-openai' && row.errorCode === 'not_found');
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it('creates embeddings on a deployment path (base64 by default)', async () => {
    fixture.provider.enqueue({ type: 'embed', embeddings: [[0.5, -1]] });
    const response = await azure('text-embedding-3-small').embeddings.create({
      model: 'ignored',
      input: 'alpha',
    });
    expect(response.data[0]?.embedding).toEqual([0.5, -1]);
    expect(fixture.provider.lastRequest().model).toBe('text-embedding-3-small');
  });
});

describe('Azure OpenAI v1 API through the plain OpenAI client', () => {
  it('serves chat, embeddings and models with the body’s model and Bearer auth', async () => {
    const completion = await azureV1().chat.completions.create({ model: 'smart', messages });
    expect(completion.choices[0]?.message.content).toBe('Hello world');
    expect(fixture.provider.lastRequest().model).toBe('smart');
    const embeddings = await azureV1().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    expect(embeddings.data).toHaveLength(2);
    const models = await azureV1().models.list();
    expect(models.data.map((model) => model.id)).toEqual([
      'gpt-4o',
      'smart',
      'gpt-4o-mini',
      'text-embedding-3-small',
    ]);
  });

  it('also accepts the api-key header on v1 paths, and streams', async () => {
    const response = await fetch(`${fixture.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': FULL_KEY },
      body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('data: [DONE]');
  });

  it('answers unknown Azure paths with an Azure-shaped 404', async () => {
    const response = await fetch(
      `${fixture.url}/openai/deployments/gpt-4o/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        headers: { 'api-key': FULL_KEY },
      },
    );
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      code: 'not_found',
    });
  });
});
