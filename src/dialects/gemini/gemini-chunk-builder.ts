import type { ProviderMetadata } from '../../core/chat-result.js';
import type { StreamPart } from '../../core/stream-part.js';
import {
  candidateExtras,
  functionCallPart,
  type GeminiPartOut,
  googleMetadata,
} from './build-gemini-parts.js';
import { convertToGeminiUsage } from './convert-to-gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** Fields repeated on every chunk of one stream. */
export interface ChunkHeaderFields {
  modelVersion: string;
  responseId: string;
  createTime?: string;
}

type Chunk = Record<string, unknown>;

/**
 * Turns canonical stream parts into Gemini stream chunks — each a complete
 * `GenerateContentResponse` holding only the new parts — one part at a time, never buffering text.
 * Tool input deltas are not written: Gemini sends every `functionCall` whole, so the call goes out
 * when its `tool-call` part arrives. The final chunk carries `finishReason` and `usageMetadata`.
 *
 * @example
 * const builder = new GeminiChunkBuilder({ modelVersion: 'gemini-2.0-flash', responseId: 'r1' }, false);
 * builder.chunkFor({ type: 'text-delta', id: 't', delta: 'Hi' });
 * // { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }], modelVersion: …, responseId: 'r1' }
 */
export class GeminiChunkBuilder {
  private readonly header: ChunkHeaderFields;
  private pendingSignature: string | undefined;
  private malformedCall = false;
  private finished = false;

  constructor(
    header: ChunkHeaderFields,
    private readonly includeThoughts: boolean,
  ) {
    this.header = { ...header };
  }

  /** True once the finish part became the final chunk. */
  get isFinished(): boolean {
    return this.finished;
  }

  chunkFor(part: StreamPart): Chunk | undefined {
    switch (part.type) {
      case 'stream-start':
        if (part.modelId !== undefined) this.header.modelVersion = part.modelId;
        return undefined;
      case 'text-delta':
        return part.delta === '' ? undefined : this.partsChunk({ text: part.delta });
      case 'reasoning-delta':
        return this.includeThoughts && part.delta !== ''
          ? this.partsChunk({ text: part.delta, thought: true })
          : undefined;
      case 'reasoning-end':
        // Gemini signs the first part after the thinking, whether or not thoughts are shown.
        if (part.signature !== undefined) this.pendingSignature = part.signature;
        return undefined;
      case 'tool-call':
        return this.toolCallChunk(part.toolCallId, part.toolName, part.input);
      case 'finish':
        return this.finish(part.finishReason, part.usage, part.providerMetadata);
      default:
        return undefined;
    }
  }

  private toolCallChunk(toolCallId: string, toolName: string, input: string): Chunk | undefined {
    const call = functionCallPart(toolCallId, toolName, input);
    if (call === undefined) {
      this.malformedCall = true;
      return undefined;
    }
    return this.partsChunk(call);
  }

  private partsChunk(part: GeminiPartOut, fields: Record<string, unknown> = {}): Chunk {
    if (this.pendingSignature !== undefined) part['thoughtSignature'] = this.pendingSignature;
    this.pendingSignature = undefined;
    return {
      candidates: [{ content: { role: 'model', parts: [part] }, ...fields, index: 0 }],
      ...this.header,
    };
  }

  private finish(
    reason: Extract<StreamPart, { type: 'finish' }>['finishReason'],
    usage: Extract<StreamPart, { type: 'finish' }>['usage'],
    metadata: ProviderMetadata | undefined,
  ): Chunk | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    const finishReason = this.malformedCall ? 'MALFORMED_FUNCTION_CALL' : mapGeminiFinishReason(reason);
    const chunk = this.partsChunk({ text: '' }, { finishReason, ...candidateExtras(finishReason, metadata) });
    const promptFeedback = googleMetadata(metadata)?.['promptFeedback'];
    return {
      ...chunk,
      ...(promptFeedback !== undefined && promptFeedback !== null && { promptFeedback }),
      usageMetadata: convertToGeminiUsage(usage),
      ...this.header,
    };
  }
}
