import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RoutingGateway, SANDBOX_OPENAI_KEY, startRoutingGateway } from './routing-stack.js';

const KEY = 'sk-cvg-routing-streams-0123456789ab';
const messages = [{ role: 'user' as const, content: 'Tell me a long story about routing.' }];

/** An OpenAI-compatible account whose every stream the sandbox cuts after `chunks` content chunks. */
function cuttingProvider(url: string, chunks: number) {
  return {
    type: 'openai-compatible' as const,
    baseURL: `${url}/v1`,
    apiKey: SANDBOX_OPENAI_KEY,
    headers: { 'x-sandbox-fault': `cut-stream-after:${chunks}` },
  };
}

describe('streams: failover only before the first content part (issue #5 d)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;

  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'zero', openai: { keys: [SANDBOX_OPENAI_KEY] } });
    stack = await startRoutingGateway({
      config: {
        providers: {
          'cut-late': cuttingProvider(sandbox.url, 3),
          'cut-early': cuttingProvider(sandbox.url, 0),
          healthy: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_OPENAI_KEY },
        },
        deployments: {
          'cut-late': { provider: 'cut-late', model: 'gpt-4o' },
          'cut-early': { provider: 'cut-early', model: 'gpt-4o' },
          healthy: { provider: 'healthy', model: 'gpt-4o-mini' },
        },
        models: {
          late: { deployments: ['cut-late', 'healthy'] },
          early: { deployments: ['cut-early', 'healthy'] },
        },
        keys: [{ name: 'streams', key: KEY }],
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('cut after the first bytes: not retried; the OpenAI client gets a stream error; the row is an error with partial tokens', async () => {
    sandbox.resetStats();
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'late', messages, stream: true })
      .withResponse();
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text).not.toBe('');
    const requestId = response.headers.get('x-converge-request-id');
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', deployment: 'cut-late', usageEstimated: true });
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.inputTokens).toBeGreaterThan(0);
    expect(row.attempts).toEqual([expect.objectContaining({ deployment: 'cut-late', status: 'error' })]);
    // The healthy deployment (another upstream model) was never called: no silent retry.
    expect(sandbox.stats()['openai']?.['gpt-4o-mini']).toBeUndefined();
  });

  it('the Anthropic client gets its own in-stream error event for the same cut', async () => {
    const anthropic = new Anthropic({ baseURL: stack.url, apiKey: KEY, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'late', max_tokens: 200, messages });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const error = await stream.finalMessage().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(text).not.toBe('');
  });

  it('cut before any content: fails over to the next deployment and the client sees a whole answer', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'early', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
    }
    expect(text).not.toBe('');
    expect(finish).toBe('stop');
    expect(response.headers.get('x-converge-attempts')).toBe('2');
    expect(response.headers.get('x-converge-target')).toBe('healthy/healthy/global');
    const row = await stack.waitForRow(
      (candidate) => candidate.requestId === response.headers.get('x-converge-request-id'),
    );
    expect(row.status).toBe('ok');
    expect(row.attempts.map((attempt) => [attempt.deployment, attempt.status, attempt.errorCode])).toEqual([
      ['cut-early', 'error', 'upstream_error'],
      ['healthy', 'ok', undefined],
    ]);
  });
});
