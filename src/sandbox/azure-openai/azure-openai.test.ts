import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';

let sandbox: RunningSandbox;
let azure: AzureOpenAI;
let v1: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({
    latency: 'zero',
    azure: {
      deployments: {
        'chat-eu': { model: 'gpt-4o', region: 'Sweden Central' },
        'chat-ptu': { model: 'gpt-4o', type: 'provisioned', capacity: { tpm: 500 } },
        embed: { model: 'text-embedding-3-small' },
      },
    },
  });
  azure = new AzureOpenAI({
    endpoint: sandbox.url,
    apiKey: 'sandbox-azure-key',
    apiVersion: '2024-10-21',
    deployment: 'chat-eu',
    maxRetries: 0,
  });
  v1 = new OpenAI({ baseURL: `${sandbox.url}/openai/v1`, apiKey: 'sandbox-azure-key', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const ask = (content: string) => [{ role: 'user' as const, content }];
const SAFE = { filtered: false, severity: 'safe' };

describe('Azure OpenAI dated API (AzureOpenAI SDK)', () => {
  it('answers with content-filter annotations, the model snapshot and Azure headers', async () => {
    const { data, response } = await azure.chat.completions
      .create({ model: 'ignored', messages: ask('Hello Azure') })
      .withResponse();
    expect(data.model).toBe('gpt-4o-2024-08-06');
    const raw = data as unknown as Record<string, unknown>;
    expect(raw['service_tier']).toBeUndefined();
    expect(raw['prompt_filter_results']).toEqual([
      {
        prompt_index: 0,
        content_filter_results: {
          hate: SAFE,
          self_harm: SAFE,
          sexual: SAFE,
          violence: SAFE,
          jailbreak: { filtered: false, detected: false },
        },
      },
    ]);
    expect((data.choices[0] as unknown as Record<string, unknown>)['content_filter_results']).toMatchObject({
      hate: SAFE,
      protected_material_text: { filtered: false, detected: false },
      protected_material_code: { filtered: false, detected: false },
    });
    expect(response.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-ms-region')).toBe('Sweden Central');
    expect(response.headers.get('x-ms-deployment-name')).toBe('chat-eu');
    expect(Number(response.headers.get('x-ratelimit-remaining-requests'))).toBeGreaterThan(0);
    expect(response.headers.get('x-ratelimit-remaining-tokens')).not.toBeNull();
  });

  it('streams a prompt-annotation chunk first, which the SDK and its stream helper accept', async () => {
    const messages = ask('Stream please');
    const plain = await azure.chat.completions.create({ model: 'chat-eu', messages });
    const stream = await azure.chat.completions.create({ model: 'chat-eu', messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({ id: '', object: '', created: 0, model: '', choices: [] });
    expect((chunks[0] as unknown as Record<string, unknown>)['prompt_filter_results']).toBeDefined();
    const contentChunk = chunks.find((chunk) => chunk.choices[0]?.delta.content);
    expect(
      (contentChunk?.choices[0] as unknown as Record<string, unknown> | undefined)?.[
        'content_filter_results'
      ],
    ).toMatchObject({ violence: SAFE });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]?.message.content);
    const helper = await azure.chat.completions.stream({ model: 'chat-eu', messages }).finalChatCompletion();
    expect(helper.choices[0]?.message.content).toBe(plain.choices[0]?.message.content);
    expect(helper.model).toBe('gpt-4o-2024-08-06');
  });

  it('refuses a prompt with the prompt marker: 400 content_filter with the innererror', async () => {
    const attempt = azure.chat.completions.create({
      model: 'chat-eu',
      messages: ask('please CF_BLOCK_PROMPT:jailbreak now'),
    });
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const error = await attempt.catch((caught: unknown) => caught);
    if (!(error instanceof OpenAI.BadRequestError)) throw new Error('expected BadRequestError');
    expect(error.code).toBe('content_filter');
    expect(error.param).toBe('prompt');
    expect(error.error).toMatchObject({
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { jailbreak: { filtered: true, detected: true }, hate: SAFE },
      },
    });
  });

  it('cuts the completion with finish_reason content_filter for the output marker, streamed or not', async () => {
    const messages = ask('write CF_BLOCK_OUTPUT');
    const response = await azure.chat.completions.create({ model: 'chat-eu', messages });
    const choice = response.choices[0] as unknown as Record<string, unknown>;
    expect(response.choices[0]?.finish_reason).toBe('content_filter');
    expect(choice['content_filter_results']).toMatchObject({
      violence: { filtered: true, severity: 'high' },
      hate: SAFE,
    });
    const stream = await azure.chat.completions.create({ model: 'chat-eu', messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)?.choices[0] as unknown as Record<string, unknown>;
    expect(last['finish_reason']).toBe('content_filter');
    expect(last['content_filter_results']).toMatchObject({ violence: { filtered: true } });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      response.choices[0]?.message.content,
    );
  });

  it('embeds through a deployment', async () => {
    const embed = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'sandbox-azure-key',
      apiVersion: '2024-10-21',
      deployment: 'embed',
      maxRetries: 0,
    });
    const response = await embed.embeddings.create({ model: 'embed', input: 'hello', dimensions: 64 });
    expect(response.data[0]?.embedding).toHaveLength(64);
  });

  it('refuses bad keys, unknown deployments and wrong operations the Azure way', async () => {
    const wrongKey = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'nope',
      apiVersion: '2024-10-21',
      deployment: 'chat-eu',
      maxRetries: 0,
    });
    const unauthorised = wrongKey.chat.completions.create({ model: 'x', messages: ask('hi') });
    await expect(unauthorised).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(unauthorised).rejects.toMatchObject({
      code: '401',
      message: expect.stringContaining('Access denied due to invalid subscription key'),
    });
    const missing = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'sandbox-azure-key',
      apiVersion: '2024-10-21',
      deployment: 'nope',
      maxRetries: 0,
    });
    const notFound = missing.chat.completions.create({ model: 'x', messages: ask('hi') });
    await expect(notFound).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(notFound).rejects.toMatchObject({ code: 'DeploymentNotFound' });
    const embedding = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'sandbox-azure-key',
      apiVersion: '2024-10-21',
      deployment: 'embed',
      maxRetries: 0,
    });
    await expect(
      embedding.chat.completions.create({ model: 'x', messages: ask('hi') }),
    ).rejects.toMatchObject({ status: 400, code: 'OperationNotSupported' });
  });

  it('takes the model from the path, so a body without model is fine on the dated API', async () => {
    const response = await fetch(
      `${sandbox.url}/openai/deployments/chat-eu/chat/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        headers: { 'api-key': 'sandbox-azure-key', 'content-type': 'application/json' },
        body: JSON.stringify({ messages: ask('no model field') }),
      },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { model: string }).model).toBe('gpt-4o-2024-08-06');
  });

  it('requires api-version on the dated API', async () => {
    const body = JSON.stringify({ messages: ask('hi') });
    const headers = { 'api-key': 'sandbox-azure-key', 'content-type': 'application/json' };
    const missing = await fetch(`${sandbox.url}/openai/deployments/chat-eu/chat/completions`, {
      method: 'POST',
      body,
      headers,
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
    const bad = await fetch(
      `${sandbox.url}/openai/deployments/chat-eu/chat/completions?api-version=yesterday`,
      { method: 'POST', body, headers },
    );
    expect(bad.status).toBe(400);
  });

  it('throttles a deployment over capacity with the Azure 429 body and retry headers', async () => {
    const ptu = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'sandbox-azure-key',
      apiVersion: '2024-10-21',
      deployment: 'chat-ptu',
      maxRetries: 0,
    });
    await ptu.chat.completions.create({ model: 'x', messages: ask('hi'), max_tokens: 300 });
    const attempt = ptu.chat.completions.create({ model: 'x', messages: ask('hi'), max_tokens: 300 });
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const error = await attempt.catch((caught: unknown) => caught);
    if (!(error instanceof OpenAI.RateLimitError)) throw new Error('expected RateLimitError');
    expect(error.code).toBe('429');
    expect(error.message).toMatch(
      /Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current ProvisionedManaged pricing tier\. Please retry after \d+ seconds\./,
    );
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(error.headers?.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(sandbox.stats()['azure']?.['chat-ptu']).toMatchObject({ requests: 1, rejections: 1 });
  });
});

describe('Azure OpenAI v1 API (OpenAI SDK with baseURL …/openai/v1)', () => {
  it('addresses the deployment through model and answers with annotations', async () => {
    const response = await v1.chat.completions.create({ model: 'chat-eu', messages: ask('hi from v1') });
    expect(response.model).toBe('gpt-4o-2024-08-06');
    expect((response as unknown as Record<string, unknown>)['prompt_filter_results']).toBeDefined();
    await expect(
      v1.chat.completions.create({ model: 'gpt-unknown', messages: ask('hi') }),
    ).rejects.toMatchObject({ status: 404, code: 'DeploymentNotFound' });
  });

  it('accepts the key as a Bearer token and lists deployments as models', async () => {
    const ids = [];
    for await (const model of v1.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(['chat-eu', 'chat-ptu', 'embed']);
  });

  it('embeds with model = deployment', async () => {
    const response = await v1.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(response.data).toHaveLength(2);
    expect(response.data[0]?.embedding).toHaveLength(1536);
  });
});
