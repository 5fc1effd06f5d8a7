import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage } from '../../core/usage.js';
import { azureOpenAIFlavor } from '../azure-openai/azure-openai-flavor.js';
import { ChatChunkBuilder } from './chat-chunk-builder.js';
import { openAIFlavor } from './openai-flavor.js';
import type { ChunkHeader } from './wire-flavor.js';

const header: ChunkHeader = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
};

/** Any text, including quotes, control characters, emoji and lone surrogates. */
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028'));

const part: fc.Arbitrary<StreamPart> = fc.oneof(
  { weight: 6, arbitrary: text.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })) },
  {
    weight: 1,
    arbitrary: fc
      .option(text, { nil: undefined })
      .map(
        (modelId): StreamPart => ({ type: 'stream-start', warnings: [], ...(modelId ? { modelId } : {}) }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constant<StreamPart>({ type: 'tool-input-start', id: 'call_1', toolName: 'f' }),
  },
  {
    weight: 1,
    arbitrary: text.map((delta): StreamPart => ({ type: 'tool-input-delta', id: 'call_1', delta })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<StreamPart>({
      type: 'metadata',
      providerMetadata: { 'azure-openai': { contentFilterResults: { hate: { filtered: false } } } },
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constant<StreamPart>({
      type: 'finish',
      usage: { ...emptyUsage(), inputTokens: 3, outputTokens: 5 },
      finishReason: { unified: 'stop', raw: 'stop' },
    }),
  },
);

describe('ChatChunkBuilder.eventsFor', () => {
  it('writes exactly the data: events of chunksFor, for any stream', () => {
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom(openAIFlavor, azureOpenAIFlavor),
        (parts, includeUsage, flavor) => {
          const fast = new ChatChunkBuilder(header, flavor, includeUsage);
          const reference = new ChatChunkBuilder(header, flavor, includeUsage);
          for (const streamPart of parts) {
            const expected = reference
              .chunksFor(streamPart)
              .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
              .join('');
            expect(fast.eventsFor(streamPart)).toBe(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('writes a text delta after the role chunk from the served model', () => {
    const builder = new ChatChunkBuilder(header, openAIFlavor, true);
    builder.chunksFor({ type: 'stream-start', warnings: [], modelId: 'gpt-4o-mini-2024-07-18' });
    builder.eventsFor({ type: 'text-delta', id: 't', delta: 'a' });
    expect(builder.eventsFor({ type: 'text-delta', id: 't', delta: 'b"' })).toBe(
      'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,' +
        '"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"b\\""},' +
        '"logprobs":null,"finish_reason":null}],"usage":null}\n\n',
    );
  });
});
