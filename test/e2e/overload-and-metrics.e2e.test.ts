import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startStack, TEST_KEY } from './stack.js';

describe('load shedding and /metrics', () => {
  it('refuses past the in-flight bound with 503 overloaded in the caller’s dialect, and counts it', async () => {
    const stack = await startStack({
      sandbox: { latency: 'realistic', models: { 'gpt-4o': { ttftMs: 0, tokensPerSecond: 20 } } },
      config: { server: { port: 0, maxInflightRequests: 1, shutdownGraceMs: 5_000 } },
    });
    try {
      const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
      const held = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'a long story please' }],
        stream: true,
        max_tokens: 40,
      });
      const iterator = held[Symbol.asyncIterator]();
      await iterator.next(); // one request is now in flight
      const refused = await client.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
      const error = refused as InstanceType<typeof OpenAI.InternalServerError>;
      expect(error.status).toBe(503);
      expect(error.code).toBe('overloaded');
      expect(error.headers?.get('retry-after')).toBe('1');
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        // drain the held stream
      }
      const row = await stack.waitForRow((candidate) => candidate.errorCode === 'overloaded');
      expect(row.status).toBe('error');
      const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/converge_load_shed_total\{reason="inflight"\} 1/);
    } finally {
      await stack.close();
    }
  });

  // The gateway records into the process-wide registry, shared by every gateway in this file: counts are ≥ 1.
  it('exports overhead, GenAI token usage, duration and cost for served requests', async () => {
    const stack = await startStack();
    try {
      const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
      const { response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello metrics' }] })
        .withResponse();
      const requestId = response.headers.get('x-converge-request-id');
      await stack.waitForRow((row) => row.requestId === requestId);
      const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
      expect(text).toMatch(/converge_overhead_seconds_count\{dialect="openai"\} [1-9]/);
      expect(text).toMatch(
        /gen_ai_client_token_usage_count\{gen_ai_operation_name="chat",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="output"\} [1-9]/,
      );
      expect(text).toMatch(/gen_ai_server_request_duration_seconds_count\{[^}]*status="ok"\} [1-9]/);
      expect(text).toMatch(/converge_requests_total\{dialect="openai",status="ok",code="none"\} [1-9]/);
      expect(text).toMatch(
        /converge_cost_usd_total\{gen_ai_request_model="gpt-4o-mini",deployment="gpt-4o-mini-azure"\} \d/,
      );
      expect(text).toContain('converge_event_loop_lag_seconds');
    } finally {
      await stack.close();
    }
  });
});
