import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import type { AnthropicContentBlock, AnthropicStreamEvent, AnthropicUsage } from './anthropic-api-schemas.js';
import { anthropicCacheMetadata, convertAnthropicUsage } from './convert-anthropic-usage.js';
import { type JsonToolEmulation, readJsonToolInput } from './emulate-json-response.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

type BlockState =
  | { kind: 'text'; id: string }
  | { kind: 'reasoning'; id: string; signature: string }
  | { kind: 'redacted'; id: string; data: string }
  | { kind: 'tool'; id: string; name: string; input: string }
  | { kind: 'json'; id: string; input: string }
  | { kind: 'ignored' };

export interface AnthropicStreamStateOptions {
  warnings: Warning[];
  jsonTool: JsonToolEmulation | undefined;
}

/**
 * The state machine behind a Messages stream: events in, canonical parts out. Blocks are tracked by
 * `index` (text `text-N`, thinking `reasoning-N`, tool calls by their `toolu_` id); tool input is
 * assembled from `input_json_delta` fragments and completed at `content_block_stop`; usage starts in
 * `message_start` and is overwritten by the cumulative figures of `message_delta`.
 *
 * @example
 * const state = new AnthropicStreamState({ warnings: [], jsonTool: undefined });
 * const parts = events.flatMap((event) => state.handle(event));
 */
export class AnthropicStreamState {
  private started = false;
  private readonly blocks = new Map<number, BlockState>();
  private usage: AnthropicUsage = {};
  private stopReason: string | undefined;
  private toolCalls = 0;
  private stopped = false;

  constructor(private readonly options: AnthropicStreamStateOptions) {}

  /** `message_delta` carried a stop reason: the answer is whole even if `message_stop` never comes. */
  get hasStopReason(): boolean {
    return this.stopReason !== undefined;
  }

  get isComplete(): boolean {
    return this.stopped;
  }

  handle(event: AnthropicStreamEvent): StreamPart[] {
    const out: StreamPart[] = [];
    switch (event.type) {
      case 'message_start':
        this.start(out, event.message?.model ?? undefined, event.message?.id ?? undefined);
        this.mergeUsage(event.message?.usage);
        break;
      case 'content_block_start':
        if (event.content_block != null) this.startBlock(out, event.index ?? 0, event.content_block);
        break;
      case 'content_block_delta':
        this.delta(out, event);
        break;
      case 'content_block_stop':
        this.stopBlock(out, event.index ?? 0);
        break;
      case 'message_delta':
        if (event.delta?.stop_reason) this.stopReason = event.delta.stop_reason;
        this.mergeUsage(event.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        out.push(...this.finish());
        break;
    }
    return out;
  }

  /** Closes what is still open and reports usage and the stop reason. */
  finish(): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, undefined, undefined);
    for (const index of [...this.blocks.keys()]) this.stopBlock(out, index);
    const metadata = anthropicCacheMetadata(this.usage);
    out.push({
      type: 'finish',
      usage: convertAnthropicUsage(this.usage),
      finishReason: mapAnthropicStopReason(
        this.stopReason,
        this.options.jsonTool !== undefined && this.toolCalls === 0,
      ),
      ...(metadata === undefined ? {} : { providerMetadata: { anthropic: metadata } }),
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
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'stream-start',
      warnings: this.options.warnings,
      ...(modelId ? { modelId } : {}),
      ...(responseId ? { responseId } : {}),
    });
  }

  /** `message_delta` usage is cumulative; fields it omits keep their `message_start` values. */
  private mergeUsage(usage: AnthropicUsage | null | undefined): void {
    if (usage == null) return;
    const defined = Object.fromEntries(Object.entries(usage).filter(([, value]) => value != null));
    this.usage = { ...this.usage, ...defined };
  }

  private startBlock(out: StreamPart[], index: number, block: AnthropicContentBlock): void {
    this.start(out, undefined, undefined);
    switch (block.type) {
      case 'text': {
        const id = `text-${index}`;
        this.blocks.set(index, { kind: 'text', id });
        out.push({ type: 'text-start', id });
        if (block.text) out.push({ type: 'text-delta', id, delta: block.text });
        return;
      }
      case 'thinking': {
        const id = `reasoning-${index}`;
        this.blocks.set(index, { kind: 'reasoning', id, signature: block.signature ?? '' });
        out.push({ type: 'reasoning-start', id });
        if (block.thinking) out.push({ type: 'reasoning-delta', id, delta: block.thinking });
        return;
      }
      case 'redacted_thinking': {
        const id = `reasoning-${index}`;
        this.blocks.set(index, { kind: 'redacted', id, data: block.data ?? '' });
        out.push({ type: 'reasoning-start', id });
        return;
      }
      case 'tool_use':
        this.startToolUse(out, index, block);
        return;
      default:
        // Server-tool blocks (web search …) have no canonical part.
        this.blocks.set(index, { kind: 'ignored' });
    }
  }

  private startToolUse(out: StreamPart[], index: number, block: AnthropicContentBlock): void {
    const name = block.name ?? '';
    if (this.options.jsonTool !== undefined && name === this.options.jsonTool.name) {
      const id = `text-${index}`;
      this.blocks.set(index, { kind: 'json', id, input: '' });
      out.push({ type: 'text-start', id });
      return;
    }
    const id = block.id ?? `tool-${index}`;
    this.toolCalls++;
    this.blocks.set(index, { kind: 'tool', id, name, input: '' });
    out.push({ type: 'tool-input-start', id, toolName: name });
  }

  private delta(out: StreamPart[], event: AnthropicStreamEvent): void {
    const block = this.blocks.get(event.index ?? 0);
    const delta = event.delta;
    if (block === undefined || delta == null) return;
    if (block.kind === 'text' && delta.type === 'text_delta' && delta.text) {
      out.push({ type: 'text-delta', id: block.id, delta: delta.text });
    } else if (block.kind === 'reasoning' && delta.type === 'thinking_delta' && delta.thinking) {
      out.push({ type: 'reasoning-delta', id: block.id, delta: delta.thinking });
    } else if (block.kind === 'reasoning' && delta.type === 'signature_delta' && delta.signature) {
      block.signature = delta.signature;
    } else if (
      (block.kind === 'tool' || block.kind === 'json') &&
      delta.type === 'input_json_delta' &&
      delta.partial_json
    ) {
      block.input += delta.partial_json;
      if (block.kind === 'tool')
        out.push({ type: 'tool-input-delta', id: block.id, delta: delta.partial_json });
      // An unwrapped JSON answer streams as it comes; a wrapped one can only be unwrapped whole.
      else if (this.options.jsonTool?.wrapped === false)
        out.push({ type: 'text-delta', id: block.id, delta: delta.partial_json });
    }
  }

  private stopBlock(out: StreamPart[], index: number): void {
    const block = this.blocks.get(index);
    if (block === undefined) return;
    this.blocks.delete(index);
    switch (block.kind) {
      case 'text':
        out.push({ type: 'text-end', id: block.id });
        return;
      case 'reasoning':
        out.push({
          type: 'reasoning-end',
          id: block.id,
          ...(block.signature ? { signature: block.signature } : {}),
        });
        return;
      case 'redacted':
        // Stream parts have no field for redacted thinking; it travels as metadata before the block ends.
        out.push({ type: 'metadata', providerMetadata: { anthropic: { redactedThinking: block.data } } });
        out.push({ type: 'reasoning-end', id: block.id });
        return;
      case 'tool':
        out.push({ type: 'tool-input-end', id: block.id });
        out.push({
          type: 'tool-call',
          toolCallId: block.id,
          toolName: block.name,
          input: block.input || '{}',
        });
        return;
      case 'json':
        if (this.options.jsonTool?.wrapped === true) {
          const parsed = readWrapped(block.input, this.options.jsonTool);
          out.push({ type: 'text-delta', id: block.id, delta: parsed });
        }
        out.push({ type: 'text-end', id: block.id });
        return;
    }
  }
}

function readWrapped(input: string, jsonTool: JsonToolEmulation): string {
  const parsed = safeParseJson(input || '{}');
  return parsed.success ? readJsonToolInput(parsed.value, jsonTool) : input;
}
