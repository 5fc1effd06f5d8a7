import type { ChatRequest } from '../../core/chat-request.js';
import type { ProviderMetadata } from '../../core/chat-result.js';
import type { FinishReason } from '../../core/finish-reason.js';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage, type Usage } from '../../core/usage.js';
import { BlockSequencer, type SseEvent, sseEvent } from './block-sequencer.js';
import { cacheWriteTtl, convertToAnthropicUsage } from './convert-to-anthropic-usage.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { findStopSequence, mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export interface MessageStreamHeader {
  id: string;
  /** The model named until the stream reports the served one. */
  model: string;
}

/**
 * Turns canonical stream parts into Anthropic's stream events, one part at a time: `message_start`
 * first, then each block as `content_block_start` / `content_block_delta` / `content_block_stop`
 * (strictly sequential, see BlockSequencer), then `message_delta` with the stop reason and the
 * final usage, and `message_stop`. `message_start` carries an estimate of the input tokens (usage
 * is only known at the end); `message_delta` carries the exact counts, which the SDK applies.
 *
 * @example
 * const builder = new MessageEventBuilder({ id: 'msg_1', model: 'claude' }, request);
 * builder.eventsFor({ type: 'text-delta', id: 't', delta: 'Hi' });
 * // [message_start, content_block_start (text), ping, content_block_delta (text_delta 'Hi')]
 */
export class MessageEventBuilder {
  private readonly blocks = new BlockSequencer();
  private started = false;
  private finished = false;
  private hasToolCalls = false;

  constructor(
    private readonly header: MessageStreamHeader,
    private readonly request: ChatRequest | undefined,
  ) {}

  /** True once the finish part was turned into `message_delta` and `message_stop`. */
  get isFinished(): boolean {
    return this.finished;
  }

  eventsFor(part: StreamPart): SseEvent[] {
    const events = this.started ? [] : this.messageStart(part);
    events.push(...this.partEvents(part));
    return events;
  }

  private messageStart(part: StreamPart): SseEvent[] {
    this.started = true;
    const model =
      part.type === 'stream-start' && part.modelId !== undefined ? part.modelId : this.header.model;
    const estimate = { ...emptyUsage(), inputTokens: estimateInputTokens(this.request) };
    const usage = convertToAnthropicUsage(estimate, '5m');
    const message = {
      id: this.header.id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      usage,
    };
    return [sseEvent('message_start', { message })];
  }

  private partEvents(part: StreamPart): SseEvent[] {
    switch (part.type) {
      case 'text-start':
        return this.blocks.start(`text:${part.id}`, { type: 'text', text: '' });
      case 'text-delta':
        if (part.delta === '') return [];
        return [
          ...this.blocks.start(`text:${part.id}`, { type: 'text', text: '' }),
          ...this.blocks.delta(`text:${part.id}`, { type: 'text_delta', text: part.delta }),
        ];
      case 'text-end':
        return this.blocks.end(`text:${part.id}`);
      case 'reasoning-start':
        return this.blocks.start(`reasoning:${part.id}`, { type: 'thinking', thinking: '', signature: '' });
      case 'reasoning-delta':
        if (part.delta === '') return [];
        return [
          ...this.blocks.start(`reasoning:${part.id}`, { type: 'thinking', thinking: '', signature: '' }),
          ...this.blocks.delta(`reasoning:${part.id}`, { type: 'thinking_delta', thinking: part.delta }),
        ];
      case 'reasoning-end':
        return this.endReasoning(part.id, part.signature);
      case 'tool-input-start':
        this.hasToolCalls = true;
        return this.blocks.start(`tool:${part.id}`, {
          type: 'tool_use',
          id: part.id,
          name: part.toolName,
          input: {},
        });
      case 'tool-input-delta':
        if (part.delta === '') return [];
        return this.blocks.delta(`tool:${part.id}`, { type: 'input_json_delta', partial_json: part.delta });
      case 'tool-input-end':
        return this.blocks.end(`tool:${part.id}`);
      case 'tool-call':
        return this.toolCall(part.toolCallId, part.toolName, part.input);
      case 'finish':
        return this.finish(part.finishReason, part.usage, part.providerMetadata);
      default:
        // stream-start and metadata carry nothing to write; errors are written by the stream writer.
        return [];
    }
  }

  private endReasoning(id: string, signature: string | undefined): SseEvent[] {
    const key = `reasoning:${id}`;
    const events: SseEvent[] = [];
    if (signature !== undefined)
      events.push(...this.blocks.delta(key, { type: 'signature_delta', signature }));
    events.push(...this.blocks.end(key));
    return events;
  }

  /**
   * A complete tool call. Already streamed through tool-input parts → nothing, unless no input was
   * streamed (then the input goes out as one delta); announced whole → a block of its own.
   */
  private toolCall(id: string, name: string, input: string): SseEvent[] {
    this.hasToolCalls = true;
    const key = `tool:${id}`;
    const delta = { type: 'input_json_delta', partial_json: input };
    if (this.blocks.has(key)) {
      return this.blocks.deltaCount(key) === 0 && input !== '' ? this.blocks.delta(key, delta) : [];
    }
    return [
      ...this.blocks.start(key, { type: 'tool_use', id, name, input: {} }),
      ...(input === '' ? [] : this.blocks.delta(key, delta)),
      ...this.blocks.end(key),
    ];
  }

  private finish(
    finishReason: FinishReason,
    usage: Usage,
    metadata: ProviderMetadata | undefined,
  ): SseEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const stopReason = mapAnthropicStopReason(finishReason, this.hasToolCalls);
    const {
      cache_creation: _perTtl,
      service_tier: _tier,
      ...totals
    } = convertToAnthropicUsage(usage, cacheWriteTtl(this.request));
    return [
      ...this.blocks.endAll(),
      sseEvent('message_delta', {
        delta: {
          stop_reason: stopReason,
          stop_sequence: findStopSequence(stopReason, metadata, this.request?.stopSequences),
          stop_details: null,
        },
        usage: totals,
      }),
      sseEvent('message_stop', {}),
    ];
  }
}
