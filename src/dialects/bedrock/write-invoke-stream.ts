import { encodeEvent } from '../../aws/event-stream.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { BlockIndices } from './block-indices.js';
import { convertToBedrockUsage } from './convert-to-bedrock-usage.js';
import { mapBedrockStopReason, toAnthropicStopReason } from './map-bedrock-stop-reason.js';
import { latencyMs } from './write-converse-response.js';
import { type EventStreamEncoder, writeEventStream } from './write-event-stream.js';
import { anthropicMessageId, toAnthropicUsage } from './write-invoke-response.js';

type Frame = Uint8Array;

/** One `chunk` event: the Anthropic stream event as base64 JSON in `bytes`, as Bedrock sends it. */
function chunk(event: Record<string, unknown>): Frame {
  return encodeEvent('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') });
}

/**
 * InvokeModelWithResponseStream for Claude: the Anthropic Messages stream events (`message_start`,
 * `content_block_start|delta|stop`, `message_delta`, `message_stop` with
 * `amazon-bedrock-invocationMetrics`), each wrapped in a `chunk` event.
 *
 * @example
 * const encoder = new InvokeStreamEncoder(context);
 * encoder.opening(); // [chunk frame of {"type":"message_start",…}]
 */
export class InvokeStreamEncoder implements EventStreamEncoder {
  private readonly blocks = new BlockIndices();
  private readonly streamedToolCalls = new Set<string>();
  private hasToolCalls = false;
  private firstByteLatency: number | undefined;
  isFinished = false;

  constructor(private readonly context: GatewayContext) {}

  opening(): Frame[] {
    const model = this.context.modelServed ?? this.context.target?.modelId ?? '';
    const message = {
      id: anthropicMessageId(this.context),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return [chunk({ type: 'message_start', message })];
  }

  framesFor(part: StreamPart): Frame[] {
    switch (part.type) {
      case 'text-start':
        return this.start(`text:${part.id}`, { type: 'text', text: '' });
      case 'text-delta':
        return this.delta(
          `text:${part.id}`,
          { type: 'text', text: '' },
          { type: 'text_delta', text: part.delta },
        );
      case 'reasoning-start':
        return this.start(`reasoning:${part.id}`, { type: 'thinking', thinking: '', signature: '' });
      case 'reasoning-delta':
        return this.delta(
          `reasoning:${part.id}`,
          { type: 'thinking', thinking: '', signature: '' },
          {
            type: 'thinking_delta',
            thinking: part.delta,
          },
        );
      case 'reasoning-end': {
        const key = `reasoning:${part.id}`;
        const signature =
          part.signature === undefined
            ? []
            : this.delta(
                key,
                { type: 'thinking', thinking: '', signature: '' },
                { type: 'signature_delta', signature: part.signature },
              );
        return [...signature, ...this.stop(key)];
      }
      case 'tool-input-start':
        this.streamedToolCalls.add(part.id);
        this.hasToolCalls = true;
        return this.start(`tool:${part.id}`, {
          type: 'tool_use',
          id: part.id,
          name: part.toolName,
          input: {},
        });
      case 'tool-input-delta':
        return this.delta(`tool:${part.id}`, undefined, {
          type: 'input_json_delta',
          partial_json: part.delta,
        });
      case 'text-end':
        return this.stop(`text:${part.id}`);
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

  private start(key: string, contentBlock: Record<string, unknown>): Frame[] {
    const { index, isNew } = this.blocks.allocate(key);
    if (!isNew) return [];
    return [chunk({ type: 'content_block_start', index, content_block: contentBlock })];
  }

  /** A delta, preceded by the block's start when the upstream never announced it. */
  private delta(
    key: string,
    block: Record<string, unknown> | undefined,
    delta: Record<string, unknown>,
  ): Frame[] {
    this.firstByteLatency ??= latencyMs(this.context);
    const frames = block === undefined || this.blocks.has(key) ? [] : this.start(key, block);
    const { index } = this.blocks.allocate(key);
    return [...frames, chunk({ type: 'content_block_delta', index, delta })];
  }

  private stop(key: string): Frame[] {
    const index = this.blocks.close(key);
    return index === undefined ? [] : [chunk({ type: 'content_block_stop', index })];
  }

  private toolCall(part: Extract<StreamPart, { type: 'tool-call' }>): Frame[] {
    const key = `tool:${part.toolCallId}`;
    if (this.streamedToolCalls.has(part.toolCallId)) return this.stop(key);
    this.hasToolCalls = true;
    const frames = this.start(key, { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: {} });
    if (part.input !== '')
      frames.push(...this.delta(key, undefined, { type: 'input_json_delta', partial_json: part.input }));
    return [...frames, ...this.stop(key)];
  }

  private finish(part: Extract<StreamPart, { type: 'finish' }>): Frame[] {
    this.isFinished = true;
    const frames = this.blocks.closeAll().map((index) => chunk({ type: 'content_block_stop', index }));
    const stopReason = toAnthropicStopReason(mapBedrockStopReason(part.finishReason, this.hasToolCalls));
    const usage = convertToBedrockUsage(part.usage);
    const latency = latencyMs(this.context);
    frames.push(
      chunk({
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: toAnthropicUsage(part.usage),
      }),
      chunk({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': {
          inputTokenCount: usage.inputTokens,
          outputTokenCount: usage.outputTokens,
          invocationLatency: latency,
          firstByteLatency: this.firstByteLatency ?? latency,
        },
      }),
    );
    return frames;
  }
}

/**
 * Writes a canonical stream as an InvokeModelWithResponseStream response (Anthropic body).
 *
 * @example
 * await writeInvokeStream(response, context, output.stream);
 */
export function writeInvokeStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
): Promise<void> {
  return writeEventStream(response, context, stream, new InvokeStreamEncoder(context), {
    operation: 'invoke',
    headers: { 'x-amzn-bedrock-content-type': 'application/json' },
  });
}
