import { encodeEvent } from '../../aws/event-stream.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { BlockIndices } from './block-indices.js';
import { convertToBedrockUsage } from './convert-to-bedrock-usage.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { bedrockExtras, latencyMs } from './write-converse-response.js';
import { type EventStreamEncoder, writeEventStream } from './write-event-stream.js';

type Frame = Uint8Array;

/**
 * ConverseStream events in Bedrock's order: `messageStart`; per block `contentBlockStart` (tool use
 * only — text and reasoning begin with their first delta), `contentBlockDelta`s, `contentBlockStop`;
 * then `messageStop` and `metadata` (usage, latency). Blocks get indices in the order they first
 * produce output, so an empty text block never appears.
 *
 * @example
 * const encoder = new ConverseStreamEncoder(context);
 * encoder.framesFor({ type: 'text-delta', id: 't', delta: 'Hi' }); // [contentBlockDelta frame]
 */
export class ConverseStreamEncoder implements EventStreamEncoder {
  private readonly blocks = new BlockIndices();
  private readonly streamedToolCalls = new Set<string>();
  private hasToolCalls = false;
  isFinished = false;

  constructor(private readonly context: GatewayContext) {}

  opening(): Frame[] {
    return [encodeEvent('messageStart', { role: 'assistant' })];
  }

  framesFor(part: StreamPart): Frame[] {
    switch (part.type) {
      case 'text-delta':
        return part.delta === '' ? [] : this.delta(`text:${part.id}`, { text: part.delta });
      case 'reasoning-delta':
        return part.delta === ''
          ? []
          : this.delta(`reasoning:${part.id}`, { reasoningContent: { text: part.delta } });
      case 'reasoning-end': {
        const key = `reasoning:${part.id}`;
        const signature =
          part.signature === undefined
            ? []
            : this.delta(key, { reasoningContent: { signature: part.signature } });
        return [...signature, ...this.stop(key)];
      }
      case 'text-end':
        return this.stop(`text:${part.id}`);
      case 'tool-input-start':
        this.streamedToolCalls.add(part.id);
        return this.startTool(part.id, part.toolName);
      case 'tool-input-delta':
        return part.delta === '' ? [] : this.delta(`tool:${part.id}`, { toolUse: { input: part.delta } });
      case 'tool-input-end':
        return this.stop(`tool:${part.id}`);
      case 'tool-call':
        return this.toolCall(part);
      case 'finish':
        return this.finish(part);
      default:
        return [];
    }
  }

  private delta(key: string, delta: Record<string, unknown>): Frame[] {
    const { index } = this.blocks.allocate(key);
    return [encodeEvent('contentBlockDelta', { contentBlockIndex: index, delta })];
  }

  private stop(key: string): Frame[] {
    const index = this.blocks.close(key);
    return index === undefined ? [] : [encodeEvent('contentBlockStop', { contentBlockIndex: index })];
  }

  private startTool(id: string, name: string): Frame[] {
    this.hasToolCalls = true;
    const { index, isNew } = this.blocks.allocate(`tool:${id}`);
    if (!isNew) return [];
    const start = { toolUse: { toolUseId: id, name } };
    return [encodeEvent('contentBlockStart', { contentBlockIndex: index, start })];
  }

  /** A tool call announced whole (no input deltas before it) is streamed as start, one delta, stop. */
  private toolCall(part: Extract<StreamPart, { type: 'tool-call' }>): Frame[] {
    const key = `tool:${part.toolCallId}`;
    if (this.streamedToolCalls.has(part.toolCallId)) return this.stop(key);
    const frames = this.startTool(part.toolCallId, part.toolName);
    if (part.input !== '') frames.push(...this.delta(key, { toolUse: { input: part.input } }));
    return [...frames, ...this.stop(key)];
  }

  private finish(part: Extract<StreamPart, { type: 'finish' }>): Frame[] {
    this.isFinished = true;
    const frames = this.blocks
      .closeAll()
      .map((index) => encodeEvent('contentBlockStop', { contentBlockIndex: index }));
    const { additionalModelResponseFields, ...metadataExtras } = bedrockExtras(part.providerMetadata);
    frames.push(
      encodeEvent('messageStop', {
        stopReason: mapBedrockStopReason(part.finishReason, this.hasToolCalls),
        ...(additionalModelResponseFields === undefined ? {} : { additionalModelResponseFields }),
      }),
      encodeEvent('metadata', {
        usage: convertToBedrockUsage(part.usage),
        metrics: { latencyMs: latencyMs(this.context) },
        ...metadataExtras,
      }),
    );
    return frames;
  }
}

/**
 * Writes a canonical stream as a ConverseStream response.
 *
 * @example
 * await writeConverseStream(response, context, output.stream);
 */
export function writeConverseStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
): Promise<void> {
  return writeEventStream(response, context, stream, new ConverseStreamEncoder(context), {
    operation: 'converse',
    headers: {},
  });
}
