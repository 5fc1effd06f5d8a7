import {
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Message,
  ModelStreamErrorException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import {
  type BedrockFixture,
  bedrockClient,
  CLAUDE_ID,
  startBedrockFixture,
} from '../../test-support/start-bedrock-fixture.js';

let fixture: BedrockFixture;
beforeAll(async () => {
  fixture = await startBedrockFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const hi: Message[] = [{ role: 'user', content: [{ text: 'Hi' }] }];
const usage = { ...emptyUsage(), inputTokens: 30, cacheWriteTokens: 10, outputTokens: 6 };
const finish = (raw = 'end_turn'): StreamPart => ({
  type: 'finish',
  usage,
  finishReason: { unified: raw === 'tool_use' ? 'tool-calls' : 'stop', raw },
});

function textParts(...deltas: string[]): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [], modelId: CLAUDE_ID },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
  ];
}

async function collect(modelId = CLAUDE_ID): Promise<{ events: ConverseStreamOutput[]; requestId?: string }> {
  const output = await bedrockClient(fixture.url).send(new ConverseStreamCommand({ modelId, messages: hi }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of output.stream ?? []) events.push(event);
  return { events, requestId: output.$metadata.requestId };
}

/** Event names in order, e.g. `contentBlockDelta`. */
const names = (events: ConverseStreamOutput[]) => events.map((event) => Object.keys(event)[0]);

describe('ConverseStream through @aws-sdk/client-bedrock-runtime', () => {
  it('streams text deltas in Bedrock order, then the stop reason and usage in metadata', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: [...textParts('Hel', 'lo', ' there'), finish()] });
    const { events, requestId } = await collect();
    expect(names(events)).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    const text = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe('Hello there');
    const indices = events.flatMap((event) => event.contentBlockDelta?.contentBlockIndex ?? []);
    expect(indices).toEqual([0, 0, 0]);
    expect(events[5]).toEqual({ messageStop: { stopReason: 'end_turn' } });
    expect(events[6]?.metadata).toEqual({
      usage: {
        inputTokens: 20,
        outputTokens: 6,
        totalTokens: 36,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 10,
      },
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(fixture.provider.lastRequest().stream).toBe(true);
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', stream: true, inputTokens: 30, outputTokens: 6 });
  });

  it('streams reasoning, then a tool call with its start event and input fragments', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'Need weather.' },
        { type: 'reasoning-end', id: 'r', signature: 'sig-9' },
        { type: 'text-start', id: 'empty' },
        { type: 'text-end', id: 'empty' },
        { type: 'tool-input-start', id: 'tooluse_7', toolName: 'get_weather' },
        { type: 'tool-input-delta', id: 'tooluse_7', delta: '{"city":' },
        { type: 'tool-input-delta', id: 'tooluse_7', delta: '"Oslo"}' },
        { type: 'tool-input-end', id: 'tooluse_7' },
        { type: 'tool-call', toolCallId: 'tooluse_7', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        finish('tool_use'),
      ],
    });
    const { events } = await collect();
    expect(events.slice(1, -1)).toEqual([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Need weather.' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-9' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      {
        contentBlockStart: {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId: 'tooluse_7', name: 'get_weather' } },
        },
      },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Oslo"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { messageStop: { stopReason: 'tool_use' } },
    ]);
  });

  it('streams a tool call announced whole as start, one input delta and stop', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: '{"q":"x"}' },
        { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
      ],
    });
    const { events } = await collect();
    expect(names(events).slice(1)).toEqual([
      'contentBlockStart',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events[2]?.contentBlockDelta?.delta).toEqual({ toolUse: { input: '{"q":"x"}' } });
    expect(events[4]).toEqual({ messageStop: { stopReason: 'tool_use' } });
  });

  it.each([
    [500, ModelStreamErrorException],
    [429, ThrottlingException],
  ] as const)(
    'turns a mid-stream upstream %s into an exception the SDK iterator throws',
    async (status, type) => {
      const error = new UpstreamError('The upstream gave up.', {
        url: 'https://upstream.test',
        statusCode: status,
      });
      fixture.provider.enqueue({
        type: 'stream',
        parts: [...textParts('partial'), { type: 'error', error }],
      });
      const output = await bedrockClient(fixture.url).send(
        new ConverseStreamCommand({ modelId: CLAUDE_ID, messages: hi }),
      );
      let text = '';
      const thrown = await (async () => {
        for await (const event of output.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
      })().catch((caught: unknown) => caught);
      expect(text).toBe('partial');
      expect(thrown).toBeInstanceOf(type);
      expect(thrown).toMatchObject({ message: 'The upstream gave up.' });
      const row = await fixture.waitForUsageRow(
        (candidate) => candidate.requestId === output.$metadata.requestId,
      );
      expect(row).toMatchObject({ status: 'error', httpStatus: 200 });
    },
  );

  it('reports a stream that ends without finishing as ModelStreamErrorException, not a silent end', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textParts('cut') });
    const output = await bedrockClient(fixture.url).send(
      new ConverseStreamCommand({ modelId: CLAUDE_ID, messages: hi }),
    );
    const thrown = await (async () => {
      for await (const _event of output.stream ?? []);
    })().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(ModelStreamErrorException);
  });

  it('stops the upstream and records a cancelled row when the client aborts mid-stream', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textParts('first'), ending: 'hang' });
    const outcome = fixture.provider.nextStreamOutcome();
    const controller = new AbortController();
    const output = await bedrockClient(fixture.url).send(
      new ConverseStreamCommand({ modelId: CLAUDE_ID, messages: hi }),
      { abortSignal: controller.signal },
    );
    const thrown = await (async () => {
      for await (const event of output.stream ?? []) {
        if (event.contentBlockDelta !== undefined) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Error);
    expect(await outcome).toMatchObject({ completed: false, aborted: true });
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === output.$metadata.requestId,
    );
    expect(row).toMatchObject({ status: 'cancelled', errorCode: 'cancelled', stream: true });
  });
});
