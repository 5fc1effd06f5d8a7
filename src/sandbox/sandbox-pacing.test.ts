import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from './index.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  // Realistic mode, with a model fast enough that the test does not wait long; nothing asserts durations.
  sandbox = await startSandbox({
    latency: 'realistic',
    models: { 'gpt-4o': { ttftMs: 5, tokensPerSecond: 2000 } },
  });
});
afterAll(() => sandbox.close());

const body = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Tell me about pacing' }] };

describe('pacing', () => {
  it('streams the same chunks, in order, as the zero-latency mode', async () => {
    const client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
    const plain = await client.chat.completions.create(body);
    const stream = await client.chat.completions.create({
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    const kinds: string[] = [];
    let text = '';
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) kinds.push('usage');
      else if (choice.finish_reason) kinds.push('finish');
      else if (choice.delta.role) kinds.push('role');
      else kinds.push('content');
      text += choice?.delta.content ?? '';
    }
    const contentCount = plain.usage?.completion_tokens ?? 0;
    expect(kinds).toEqual(['role', ...Array<string>(contentCount).fill('content'), 'finish', 'usage']);
    expect(text).toBe(plain.choices[0]?.message.content);
  });
});
