import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, TEST_KEY } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  // One model served only by the sandbox's OpenAI surface, so the price is OpenAI's gpt-4o.
  stack = await startStack({ config: { models: { 'gpt-4o-direct': { deployments: ['gpt-4o-openai'] } } } });
});
afterAll(async () => {
  await stack?.close();
});

const client = () => new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });

/** gpt-4o at list price, in nano-dollars: $2.50 / $1.25 cached / $10 per 1M tokens = 2,500 / 1,250 / 10,000 per token. */
function expectedNanoUsd(usage: OpenAI.CompletionUsage): number {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return (usage.prompt_tokens - cached) * 2_500 + cached * 1_250 + usage.completion_tokens * 10_000;
}

describe('cost of an OpenAI request served by the sandbox', () => {
  it('returns x-converge-cost-usd equal to the stored costUsd and to the catalog price of the usage', async () => {
    const longPrompt = 'The quick brown fox jumps over the lazy dog. '.repeat(150);
    const messages = [
      { role: 'system' as const, content: longPrompt },
      { role: 'user' as const, content: 'Summarise in one line' },
    ];
    for (const round of ['first', 'cached'] as const) {
      const { data, response } = await client()
        .chat.completions.create({ model: 'gpt-4o-direct', messages, max_tokens: 40 })
        .withResponse();
      const usage = data.usage;
      if (usage === undefined) throw new Error('the sandbox reported no usage');
      if (round === 'cached') expect(usage.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(1024);
      expect(response.headers.get('x-converge-target')).toMatch(/^openai\/gpt-4o-openai\//);
      const header = response.headers.get('x-converge-cost-usd');
      expect(header).not.toBeNull();
      expect(Math.round(Number(header) * 1e9)).toBe(expectedNanoUsd(usage));
      const requestId = response.headers.get('x-converge-request-id');
      const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
      expect(row.costUsd).toBe(Number(header));
      expect([row.inputTokens, row.cacheReadTokens, row.outputTokens]).toEqual([
        usage.prompt_tokens,
        usage.prompt_tokens_details?.cached_tokens ?? 0,
        usage.completion_tokens,
      ]);
    }
  });

  it('prices a stream in the usage row (no header: it left before the usage was known)', async () => {
    const { data, response } = await client()
      .chat.completions.create({
        model: 'gpt-4o-direct',
        messages: [{ role: 'user', content: 'Count to five' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of data) usage = chunk.usage ?? usage;
    if (usage === undefined) throw new Error('the stream reported no usage');
    expect(response.headers.get('x-converge-cost-usd')).toBeNull();
    const requestId = response.headers.get('x-converge-request-id');
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    expect(Math.round((row.costUsd ?? -1) * 1e9)).toBe(expectedNanoUsd(usage));
  });
});
