import type { ProviderMetadata } from '../../core/chat-result.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { generateToolCallId } from './generate-tool-call-id.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { OpenAIChatChunk, OpenAIUsage } from './openai-chat-api-schemas.js';

type ChunkDelta = NonNullable<NonNullable<OpenAIChatChunk['choices']>[number]['delta']>;
type ToolCallDelta = NonNullable<ChunkDelta['tool_calls']>[number];

interface ToolCallState {
  id: string;
  name: string;
  input: string;
  started: boolean;
}

export interface OpenAIChatStreamStateOptions {
  providerType: string;
  warnings: Warning[];
  extractChunkMetadata?: (chunk: OpenAIChatChunk) => Record<string, unknown> | undefined;
}

/**
 * The state machine behind an OpenAI chat stream: chunks in, canonical parts out. `stream-start`
 * waits for the first chunk that names the model (Azure opens with an anonymous annotation chunk);
 * parts produced before it are held back and follow it. Tool calls are assembled by `index` and
 * completed when the stream finishes, since argument deltas carry no end marker.
 *
 * @example
 * const state = new OpenAIChatStreamState({ providerType: 'openai', warnings: [] });
 * const parts = [...state.handleChunk(chunk), ...state.finish()];
 */
export class OpenAIChatStreamState {
  private started = false;
  private held: StreamPart[] = [];
  private blockCount = 0;
  private textId: string | undefined;
  private reasoningId: string | undefined;
  private readonly toolCalls = new Map<number, ToolCallState>();
  private finishReason: string | undefined;
  private usage: OpenAIUsage | undefined;

  constructor(private readonly options: OpenAIChatStreamStateOptions) {}

  get hasFinishReason(): boolean {
    return this.finishReason !== undefined;
  }

  get usageMissing(): boolean {
    return this.usage === undefined;
  }

  handleChunk(chunk: OpenAIChatChunk): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started && chunk.model) this.start(out, chunk.model, chunk.id || undefined);
    if (chunk.usage) this.usage = chunk.usage;
    const metadata = this.options.extractChunkMetadata?.(chunk);
    if (metadata !== undefined) this.emit(out, { type: 'metadata', providerMetadata: this.wrap(metadata) });
    for (const choice of chunk.choices ?? []) {
      // Only the first choice is relayed: the canonical result has one.
      if ((choice.index ?? 0) !== 0) continue;
      if (choice.delta) this.handleDelta(out, choice.delta);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return out;
  }

  /** The stream ended properly: close open blocks, complete tool calls, report usage. */
  finish(): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, undefined, undefined);
    this.closeText(out);
    this.closeReasoning(out);
    for (const call of this.toolCalls.values()) {
      if (!call.started) this.startToolCall(out, call);
      out.push({ type: 'tool-input-end', id: call.id });
      // Servers differ on argument-less calls ("" or "{}"); the canonical input is always JSON.
      out.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input || '{}' });
    }
    out.push({
      type: 'finish',
      usage: convertOpenAIUsage(this.usage),
      finishReason: mapOpenAIFinishReason(this.finishReason, this.toolCalls.size > 0),
      // No usage arrived (servers that ignore stream_options): the zeros are not a measurement.
      ...(this.usage === undefined ? { providerMetadata: this.wrap({ usageMissing: true }) } : {}),
    });
    return out;
  }

  fail(error: GatewayError): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, undefined, undefined);
    out.push({ type: 'error', error });
    return out;
  }

  private start(out: StreamPart[], modelId: string | undefined, responseId: string | undefined): void {
    this.started = true;
    out.push({
      type: 'stream-start',
      warnings: this.options.warnings,
      ...(modelId === undefined ? {} : { modelId }),
      ...(responseId === undefined ? {} : { responseId }),
    });
    out.push(...this.held);
    this.held = [];
  }

  private emit(out: StreamPart[], part: StreamPart): void {
    if (this.started) out.push(part);
    else this.held.push(part);
  }

  private wrap(metadata: Record<string, unknown>): ProviderMetadata {
    return { [this.options.providerType]: metadata };
  }

  private handleDelta(out: StreamPart[], delta: ChunkDelta): void {
    const reasoning = delta.reasoning_content || delta.reasoning;
    if (reasoning) {
      this.closeText(out);
      if (this.reasoningId === undefined) {
        this.reasoningId = this.nextBlockId('reasoning');
        this.emit(out, { type: 'reasoning-start', id: this.reasoningId });
      }
      this.emit(out, { type: 'reasoning-delta', id: this.reasoningId, delta: reasoning });
    }
    const text = delta.content || delta.refusal;
    if (text) {
      this.closeReasoning(out);
      if (this.textId === undefined) {
        this.textId = this.nextBlockId('text');
        this.emit(out, { type: 'text-start', id: this.textId });
      }
      this.emit(out, { type: 'text-delta', id: this.textId, delta: text });
    }
    const toolCalls = delta.tool_calls ?? [];
    for (let position = 0; position < toolCalls.length; position++) {
      const toolCall = toolCalls[position];
      if (toolCall !== undefined) this.handleToolCallDelta(out, toolCall, position);
    }
  }

  private handleToolCallDelta(out: StreamPart[], delta: ToolCallDelta, position: number): void {
    const index = delta.index ?? position;
    let call = this.toolCalls.get(index);
    if (call === undefined) {
      this.closeText(out);
      this.closeReasoning(out);
      call = { id: delta.id || generateToolCallId(), name: '', input: '', started: false };
      this.toolCalls.set(index, call);
    }
    if (!call.name && delta.function?.name) call.name = delta.function.name;
    const fragment = delta.function?.arguments ?? '';
    call.input += fragment;
    // Some servers send the name after the first fragment: start once it is known, replaying what came.
    if (!call.started && call.name) this.startToolCall(out, call);
    else if (call.started && fragment)
      this.emit(out, { type: 'tool-input-delta', id: call.id, delta: fragment });
  }

  private startToolCall(out: StreamPart[], call: ToolCallState): void {
    call.started = true;
    this.emit(out, { type: 'tool-input-start', id: call.id, toolName: call.name });
    if (call.input) this.emit(out, { type: 'tool-input-delta', id: call.id, delta: call.input });
  }

  private closeText(out: StreamPart[]): void {
    if (this.textId === undefined) return;
    this.emit(out, { type: 'text-end', id: this.textId });
    this.textId = undefined;
  }

  private closeReasoning(out: StreamPart[]): void {
    if (this.reasoningId === undefined) return;
    this.emit(out, { type: 'reasoning-end', id: this.reasoningId });
    this.reasoningId = undefined;
  }

  private nextBlockId(kind: 'text' | 'reasoning'): string {
    return `${kind}-${this.blockCount++}`;
  }
}
