import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import { generateToolCallId } from '../openai-compatible/generate-tool-call-id.js';
import type { BedrockContentBlockDelta, BedrockStreamMetadata } from './bedrock-api-schemas.js';
import { extractBedrockMetadata, jsonAnswerText } from './convert-bedrock-converse-response.js';
import type { JsonResponseTool } from './convert-bedrock-tools.js';
import { convertBedrockUsage } from './convert-bedrock-usage.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';

/** One open content block, by `contentBlockIndex`. `json` is the emulated JSON-answer tool. */
interface BlockState {
  kind: 'text' | 'reasoning' | 'tool' | 'json';
  id: string;
  toolName: string;
  input: string;
  signature: string;
  redacted: string[];
}

export interface BedrockConverseStreamStateOptions {
  modelId: string;
  warnings: Warning[];
  jsonResponseTool: JsonResponseTool | undefined;
  responseId: string | undefined;
}

/**
 * The state machine behind a ConverseStream: decoded events in, canonical parts out. Text and
 * reasoning blocks have no start event on Bedrock, so they open on their first delta; a tool block
 * opens on `contentBlockStart` and completes (`tool-input-end` + `tool-call`) on `contentBlockStop`.
 * `messageStop` holds the stop reason; `metadata`, the last event, finishes with usage.
 *
 * @example
 * const state = new BedrockConverseStreamState({ modelId, warnings: [], jsonResponseTool: undefined, responseId });
 * const parts = [...state.contentBlockDelta({ contentBlockIndex: 0, delta: { text: 'Hi' } }), ...state.finish(metadata)];
 */
export class BedrockConverseStreamState {
  private started = false;
  private readonly blocks = new Map<number, BlockState>();
  private stopReason: string | undefined;
  private additionalModelResponseFields: unknown;
  private toolCalls = 0;
  private answeredWithJsonTool = false;

  constructor(private readonly options: BedrockConverseStreamStateOptions) {}

  get sawMessageStop(): boolean {
    return this.stopReason !== undefined;
  }

  /** `stream-start`, once, before anything else. */
  start(): StreamPart[] {
    if (this.started) return [];
    this.started = true;
    return [
      {
        type: 'stream-start',
        warnings: this.options.warnings,
        modelId: this.options.modelId,
        ...(this.options.responseId === undefined ? {} : { responseId: this.options.responseId }),
      },
    ];
  }

  contentBlockStart(
    index: number,
    toolUse: { toolUseId: string; name: string } | null | undefined,
  ): StreamPart[] {
    if (toolUse == null || this.blocks.has(index)) return [];
    const json = this.options.jsonResponseTool;
    if (json !== undefined && toolUse.name === json.name) {
      const block = this.open(index, 'json', `text-${index}`, toolUse.name);
      // A wrapped answer (`{value: …}`) can only be unwrapped once whole; it is sent at the stop.
      return json.wrapped ? [] : [{ type: 'text-start', id: block.id }];
    }
    const block = this.open(index, 'tool', toolUse.toolUseId || generateToolCallId(), toolUse.name);
    return [{ type: 'tool-input-start', id: block.id, toolName: block.toolName }];
  }

  contentBlockDelta(index: number, delta: BedrockContentBlockDelta): StreamPart[] {
    const out: StreamPart[] = [];
    if (typeof delta.text === 'string') {
      const block = this.openOnFirstDelta(out, index, 'text');
      if (delta.text !== '') out.push({ type: 'text-delta', id: block.id, delta: delta.text });
    }
    const reasoning = delta.reasoningContent;
    if (reasoning != null) {
      const block = this.openOnFirstDelta(out, index, 'reasoning');
      if (reasoning.text) out.push({ type: 'reasoning-delta', id: block.id, delta: reasoning.text });
      if (reasoning.signature) block.signature += reasoning.signature;
      if (reasoning.redactedContent) block.redacted.push(reasoning.redactedContent);
    }
    const fragment = delta.toolUse?.input;
    if (typeof fragment === 'string') {
      // A tool delta without its start event: open the block anyway rather than lose the call.
      const block = this.blocks.get(index) ?? this.openTool(out, index);
      block.input += fragment;
      if (fragment === '') return out;
      if (block.kind === 'tool') out.push({ type: 'tool-input-delta', id: block.id, delta: fragment });
      else if (block.kind === 'json' && this.options.jsonResponseTool?.wrapped === false) {
        out.push({ type: 'text-delta', id: block.id, delta: fragment });
      }
    }
    return out;
  }

  contentBlockStop(index: number): StreamPart[] {
    const block = this.blocks.get(index);
    if (block === undefined) return [];
    this.blocks.delete(index);
    return this.close(block);
  }

  messageStop(stopReason: string | null | undefined, additionalModelResponseFields: unknown): void {
    this.stopReason = stopReason ?? 'unknown';
    this.additionalModelResponseFields = additionalModelResponseFields;
  }

  /** Closes what is open and reports usage; `metadata` is undefined when the stream ended without it. */
  finish(metadata: BedrockStreamMetadata | undefined): StreamPart[] {
    const out = this.start();
    for (const index of [...this.blocks.keys()].sort((a, b) => a - b))
      out.push(...this.contentBlockStop(index));
    const extracted = extractBedrockMetadata(metadata ?? {}, this.additionalModelResponseFields) ?? {};
    // No usage arrived: the zeros are not a measurement.
    if (metadata?.usage == null) extracted['usageMissing'] = true;
    out.push({
      type: 'finish',
      usage: convertBedrockUsage(metadata?.usage),
      finishReason: mapBedrockStopReason(this.stopReason, this.answeredWithJsonTool && this.toolCalls === 0),
      ...(Object.keys(extracted).length === 0 ? {} : { providerMetadata: { bedrock: extracted } }),
    });
    return out;
  }

  fail(error: GatewayError): StreamPart[] {
    return [...this.start(), { type: 'error', error }];
  }

  private open(index: number, kind: BlockState['kind'], id: string, toolName = ''): BlockState {
    const block: BlockState = { kind, id, toolName, input: '', signature: '', redacted: [] };
    this.blocks.set(index, block);
    return block;
  }

  private openOnFirstDelta(out: StreamPart[], index: number, kind: 'text' | 'reasoning'): BlockState {
    const existing = this.blocks.get(index);
    if (existing?.kind === kind) return existing;
    // A different kind at a reused index means the previous block never got its stop event.
    if (existing !== undefined) out.push(...this.contentBlockStop(index));
    const block = this.open(index, kind, `${kind}-${index}`);
    out.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id: block.id });
    return block;
  }

  private openTool(out: StreamPart[], index: number): BlockState {
    const block = this.open(index, 'tool', generateToolCallId());
    out.push({ type: 'tool-input-start', id: block.id, toolName: block.toolName });
    return block;
  }

  private close(block: BlockState): StreamPart[] {
    switch (block.kind) {
      case 'text':
        return [{ type: 'text-end', id: block.id }];
      case 'reasoning':
        return this.closeReasoning(block);
      case 'tool':
        this.toolCalls++;
        return [
          { type: 'tool-input-end', id: block.id },
          // Argument-less calls stream no input; the canonical input is always JSON.
          { type: 'tool-call', toolCallId: block.id, toolName: block.toolName, input: block.input || '{}' },
        ];
      case 'json':
        return this.closeJsonAnswer(block);
    }
  }

  private closeReasoning(block: BlockState): StreamPart[] {
    const out: StreamPart[] = [
      {
        type: 'reasoning-end',
        id: block.id,
        ...(block.signature === '' ? {} : { signature: block.signature }),
      },
    ];
    // Redacted reasoning has no canonical stream part; it is kept as metadata.
    if (block.redacted.length > 0) {
      out.push({ type: 'metadata', providerMetadata: { bedrock: { redactedReasoning: block.redacted } } });
    }
    return out;
  }

  private closeJsonAnswer(block: BlockState): StreamPart[] {
    this.answeredWithJsonTool = true;
    const tool = this.options.jsonResponseTool;
    if (tool?.wrapped !== true) return [{ type: 'text-end', id: block.id }];
    const parsed = safeParseJson(block.input === '' ? '{}' : block.input);
    return [
      { type: 'text-start', id: block.id },
      // Unparseable input is passed on as it came: the caller's JSON parser reports it.
      {
        type: 'text-delta',
        id: block.id,
        delta: parsed.success ? jsonAnswerText(parsed.value, tool) : block.input,
      },
      { type: 'text-end', id: block.id },
    ];
  }
}
