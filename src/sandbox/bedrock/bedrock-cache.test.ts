import {
  ConverseCommand,
  type ConverseCommandInput,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { type BedrockTestClient, createBedrockTestClient, TRANSPORTS } from './create-bedrock-test-client.js';

const SONNET_37 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const SONNET_35 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
});
afterAll(() => sandbox.close());

const WORDS = ['harbor', 'signal', 'granite', 'meadow', 'lantern', 'orbit', 'cedar', 'falcon'];
/** About `count` tokens of instructions, distinct per `salt` so suites never share a cache entry. */
function longText(salt: string, count: number): string {
  return `${salt}: ${Array.from({ length: count }, (_, index) => WORDS[index % WORDS.length]).join(' ')}`;
}

describe.each(TRANSPORTS)('prompt caching with cache points over %s', (transport) => {
  let test: BedrockTestClient;
  beforeAll(() => {
    test = createBedrockTestClient(sandbox, transport);
  });
  afterAll(() => test.client.destroy());
  const converse = (input: Partial<ConverseCommandInput>) =>
    test.client.send(
      new ConverseCommand({
        modelId: SONNET_37,
        messages: [{ role: 'user', content: [{ text: 'Summarise' }] }],
        ...input,
      }),
    );

  it('writes the prefix up to the cache point first, then reads it on the repeat', async () => {
    const system = [
      { text: longText(`converse-${transport}`, 1_500) },
      { cachePoint: { type: 'default' as const } },
    ];
    const first = await converse({ system });
    const second = await converse({ system });
    const written = first.usage?.cacheWriteInputTokens ?? 0;
    expect(written).toBeGreaterThan(1_024);
    expect(first.usage?.cacheReadInputTokens).toBe(0);
    expect(second.usage?.cacheReadInputTokens).toBe(written);
    expect(second.usage?.cacheWriteInputTokens).toBe(0);
    expect(second.usage?.inputTokens).toBe(first.usage?.inputTokens);
    const usage = second.usage;
    expect(usage?.totalTokens).toBe(
      (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0) + (usage?.cacheReadInputTokens ?? 0),
    );
    // Only the cached prefix counts: a different question after it still reads the cache.
    const other = await converse({
      system,
      messages: [{ role: 'user', content: [{ text: 'Another question' }] }],
    });
    expect(other.usage?.cacheReadInputTokens).toBe(written);
  });

  it('ignores cache points below the model minimum, and on models without caching', async () => {
    const short = [
      { text: longText(`short-${transport}`, 200) },
      { cachePoint: { type: 'default' as const } },
    ];
    const tooShort = await converse({ system: short });
    expect(tooShort.usage).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
    const system = [
      { text: longText(`uncached-${transport}`, 1_500) },
      { cachePoint: { type: 'default' as const } },
    ];
    const uncached = await converse({ modelId: SONNET_35, system });
    expect(uncached.usage?.cacheWriteInputTokens).toBeUndefined();
    expect(uncached.usage?.cacheReadInputTokens).toBeUndefined();
  });

  it('honours Claude cache_control in InvokeModel bodies', async () => {
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      system: [
        { type: 'text', text: longText(`invoke-${transport}`, 1_500), cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: 'Summarise' }],
    });
    const call = async () => {
      const output = await test.client.send(new InvokeModelCommand({ modelId: SONNET_37, body }));
      return (JSON.parse(Buffer.from(output.body).toString('utf8')) as { usage: Record<string, number> })
        .usage;
    };
    const first = await call();
    const second = await call();
    expect(first['cache_creation_input_tokens']).toBeGreaterThan(1_024);
    expect(second['cache_read_input_tokens']).toBe(first['cache_creation_input_tokens']);
    expect(second['cache_creation_input_tokens']).toBe(0);
  });
});
