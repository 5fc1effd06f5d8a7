import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from './index.js';

let sandbox: RunningSandbox;
let client: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
  client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const body = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Tell me a story' }] };
const fault = (value: string, extra: Record<string, string> = {}) => ({
  headers: { 'x-sandbox-fault': value, ...extra },
});

describe('faults by header, as the OpenAI SDK sees them', () => {
  it('500 → InternalServerError with the server_error body', async () => {
    const attempt = client.chat.completions.create(body, fault('500'));
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(attempt).rejects.toMatchObject({ status: 500, type: 'server_error' });
  });

  it('503 → InternalServerError with status 503 (overloaded)', async () => {
    const attempt = client.chat.completions.create(body, fault('503'));
    await expect(attempt).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining('overloaded'),
    });
  });

  it('429 → RateLimitError with retry-after 1 / retry-after-ms 1000, overridable', async () => {
    const error = await client.chat.completions.create(body, fault('429')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    if (!(error instanceof OpenAI.RateLimitError)) return;
    expect(error.headers?.get('retry-after')).toBe('1');
    expect(error.headers?.get('retry-after-ms')).toBe('1000');
    const custom = await client.chat.completions
      .create(body, fault('429', { 'x-sandbox-retry-after-ms': '250' }))
      .catch((caught: unknown) => caught);
    expect(custom instanceof OpenAI.RateLimitError && custom.headers?.get('retry-after-ms')).toBe('250');
  });

  it('lets the SDK retry a 429 after the advertised delay and then succeed', async () => {
    let calls = 0;
    const retrying = new OpenAI({
      baseURL: `${sandbox.url}/v1`,
      apiKey: 'sk-sandbox',
      maxRetries: 1,
      // The first attempt asks for a 429 with a 1 ms retry-after; the retry goes through clean.
      fetch: async (url, init) => {
        calls++;
        const headers = new Headers(init?.headers);
        if (calls === 1) headers.set('x-sandbox-fault', '429');
        headers.set('x-sandbox-retry-after-ms', '1');
        return fetch(url, { ...init, headers });
      },
    });
    const response = await retrying.chat.completions.create(body);
    expect(calls).toBe(2);
    expect(response.choices[0]?.finish_reason).toBe('stop');
  });

  it('timeout → the client times out with APIConnectionTimeoutError', async () => {
    const impatient = new OpenAI({
      baseURL: `${sandbox.url}/v1`,
      apiKey: 'sk-sandbox',
      maxRetries: 0,
      timeout: 300,
    });
    await expect(impatient.chat.completions.create(body, fault('timeout'))).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
  });

  it('reset → APIConnectionError (socket destroyed, no response)', async () => {
    const attempt = client.chat.completions.create(body, fault('reset'));
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('cut-stream-after:N → N content chunks, then the stream breaks without [DONE]', async () => {
    const stream = await client.chat.completions.create(
      { ...body, stream: true },
      fault('cut-stream-after:3'),
    );
    const contents: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) contents.push(content);
      }
    };
    await expect(consume()).rejects.toThrow();
    expect(contents).toHaveLength(3);
  });

  it('malformed → the SDK fails to parse the JSON body or the SSE chunk', async () => {
    await expect(client.chat.completions.create(body, fault('malformed'))).rejects.toThrow();
    const stream = await client.chat.completions.create({ ...body, stream: true }, fault('malformed'));
    const consume = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow();
  });

  it('renders the same faults in Azure shape on Azure routes', async () => {
    const azure = new AzureOpenAI({
      endpoint: sandbox.url,
      apiKey: 'sandbox-azure-key',
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o',
      maxRetries: 0,
    });
    const overloaded = azure.chat.completions.create(body, fault('503'));
    await expect(overloaded).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    const throttled = azure.chat.completions.create(body, fault('429'));
    await expect(throttled).rejects.toMatchObject({
      status: 429,
      code: '429',
      message: expect.stringContaining('Please retry after 1 seconds'),
    });
  });

  it('counts injected faults per target', () => {
    expect(sandbox.stats()['openai']?.['gpt-4o']?.faults).toBeGreaterThanOrEqual(9);
    expect(sandbox.stats()['azure']?.['gpt-4o']?.faults).toBe(2);
  });
});

describe('faults by rate', () => {
  async function statuses(seed: number): Promise<number[]> {
    const rated = await startSandbox({ latency: 'zero', faults: { rate: { '500': 0.3, '503': 0.2 }, seed } });
    try {
      const results: number[] = [];
      for (let index = 0; index < 30; index++) {
        const response = await fetch(`${rated.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk-sandbox', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        results.push(response.status);
      }
      expect(rated.stats()['openai']?.['gpt-4o']?.faults).toBe(
        results.filter((status) => status !== 200).length,
      );
      return results;
    } finally {
      await rated.close();
    }
  }

  it('injects a reproducible mix for a seed', async () => {
    const first = await statuses(11);
    expect(first).toContain(500);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await statuses(11)).toEqual(first);
    expect(await statuses(12)).not.toEqual(first);
  });
});

describe('close()', () => {
  it('closes held timeout connections so close() resolves and the client sees a connection error', async () => {
    const held = await startSandbox({ latency: 'zero' });
    const heldClient = new OpenAI({ baseURL: `${held.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
    const pending = heldClient.chat.completions.create(body, fault('timeout'));
    const outcome = pending.catch((caught: unknown) => caught);
    // Wait until the request has reached the sandbox (the fault is counted when applied).
    while (!held.stats()['openai']?.['gpt-4o']?.faults) await new Promise((resolve) => setImmediate(resolve));
    await held.close();
    expect(await outcome).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
