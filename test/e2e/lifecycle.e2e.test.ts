import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from '../../src/config/embedded-default.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway } from '../../src/server/start-gateway.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { startStack, TEST_KEY } from './stack.js';

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

/** A sandbox model slow enough that a stream is reliably still running when the test acts on it. */
const SLOW_SANDBOX = {
  latency: 'realistic' as const,
  models: { 'gpt-4o': { ttftMs: 0, tokensPerSecond: 40 } },
};
const longPrompt = [{ role: 'user' as const, content: 'Tell me a long story about lighthouses' }];

describe('client disconnect mid-stream', () => {
  it('aborts the upstream request and records a cancelled row with the tokens streamed so far', async () => {
    const stack = await startStack({ sandbox: SLOW_SANDBOX });
    try {
      const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
      const controller = new AbortController();
      const { data: stream, response } = await client.chat.completions
        .create(
          { model: 'gpt-4o', messages: longPrompt, stream: true, max_tokens: 2000 },
          { signal: controller.signal },
        )
        .withResponse();
      const requestId = response.headers.get('x-converge-request-id');
      let received = '';
      let deltas = 0;
      // The SDK ends the iteration quietly when its own signal aborts.
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content ?? '';
        received += delta;
        if (delta !== '') deltas++;
        if (deltas === 3) controller.abort();
      }
      const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
      expect(row.status).toBe('cancelled');
      expect(row.errorCode).toBe('cancelled');
      expect(row.usageEstimated).toBe(true);
      // The sandbox sends one token per chunk; the gateway may have forwarded a few more than we read.
      expect(row.outputTokens).toBeGreaterThanOrEqual(3);
      expect(row.outputTokens).toBeLessThan(60);
      expect(row.inputTokens).toBeGreaterThan(0);
      expect(received.length).toBeGreaterThan(0);
      expect(stack.gateway.gateway.inflightCount).toBe(0);
      // The upstream request was cut too: the sandbox saw its stream abandoned before the end.
      await waitFor(() => stack.sandbox.stats()['azure']?.['gpt-4o']?.abandoned === 1);
    } finally {
      await stack.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight stream finish, then flushes its usage row before exiting', async () => {
    const stack = await startStack({ sandbox: SLOW_SANDBOX });
    const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: longPrompt, stream: true, max_tokens: 30 })
      .withResponse();
    const requestId = response.headers.get('x-converge-request-id');
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the stream is open and flowing
    const closing = stack.gateway.close();
    let text = '';
    let finish: string | null | undefined;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      text += next.value.choices[0]?.delta.content ?? '';
      finish = next.value.choices[0]?.finish_reason ?? finish;
    }
    await closing;
    expect(finish).toBe('length');
    expect(text.length).toBeGreaterThan(0);
    // New connections are refused once the server closed.
    await expect(fetch(`${stack.gateway.url}/healthz`)).rejects.toThrow();
    // The row was flushed before close() resolved: read it back from the database file.
    const storage = await openStorage({ type: 'sqlite', dataDir: stack.dataDir });
    const rows = await storage.usage.query({ limit: 100 });
    await storage.close();
    expect(rows.find((row) => row.requestId === requestId)).toMatchObject({ status: 'ok', outputTokens: 30 });
    await stack.close();
  });
});

describe('embedded default', () => {
  it('starts with no config, serves the sandbox models with the dev key, and persists usage', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'converge-default-'));
    const devKey = 'sk-cvg-dev-fixed-key-for-tests-000';
    const config = parseConfig(
      { ...embeddedDefaultConfig({ port: 0, dataDir }), logging: { level: 'silent' } },
      'test',
    );
    const running = await startGateway({ config, log: pino({ level: 'silent' }), devKey });
    let requestId: string | null = null;
    try {
      expect(running.devKey).toBe(devKey);
      const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: devKey, maxRetries: 0 });
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      requestId = response.headers.get('x-converge-request-id');
      expect(data.choices[0]?.message.content).toBeTruthy();
      expect(response.headers.get('x-converge-target')).toBe('sandbox-azure/gpt-4o-mini@sandbox-azure/eu');
    } finally {
      await running.close();
    }
    const storage = await openStorage({ type: 'sqlite', dataDir });
    try {
      const rows = await storage.usage.query({ limit: 10 });
      expect(rows.map((row) => row.requestId)).toContain(requestId);
    } finally {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('failover', () => {
  it('moves to the next deployment when the first cannot be reached, and records both attempts', async () => {
    const stack = await startStack({
      config: {
        providers: { dead: { type: 'openai', apiKey: 'sk-unused', baseURL: 'http://127.0.0.1:9/v1' } },
        deployments: { 'dead-gpt': { provider: 'dead', model: 'gpt-4o' } },
        models: { 'gpt-4o': { deployments: ['dead-gpt', 'gpt-4o-azure'] } },
      },
    });
    try {
      const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
      const { response } = await client.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(response.headers.get('x-converge-attempts')).toBe('2');
      expect(response.headers.get('x-converge-target')).toBe('azure/gpt-4o-azure/eu');
      const requestId = response.headers.get('x-converge-request-id');
      const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
      expect(row.attempts.map((attempt) => [attempt.deployment, attempt.status])).toEqual([
        ['dead-gpt', 'error'],
        ['gpt-4o-azure', 'ok'],
      ]);
      expect(row.attempts[0]?.errorCode).toBe('upstream_unavailable');
    } finally {
      await stack.close();
    }
  });
});
