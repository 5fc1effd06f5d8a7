import type { ProviderMetadata } from '../../core/chat-result.js';
import type { FinishReason } from '../../core/finish-reason.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Usage } from '../../core/usage.js';
import { convertToOpenAIUsage } from './convert-to-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { ChunkHeader, WireFlavor } from './wire-flavor.js';

type Delta = Record<string, unknown>;
type Ending = { reason: string; fields: Record<string, unknown> | undefined };

/** One `data:` event per chunk. */
function serverSentEvents(chunks: readonly unknown[]): string {
  let text = '';
  for (const chunk of chunks) text += `data: ${JSON.stringify(chunk)}\n\n`;
  return text;
}

/**
 * Turns canonical stream parts into OpenAI `chat.completion.chunk` objects, one part at a time and
 * without buffering. Tool calls get an `index` in the order their input starts; the first chunk of
 * a call carries its id and name, later ones argument fragments. The role chunk goes out just
 * before the first choice chunk, so a flavor's annotation chunks (Azure) can come first.
 *
 * @example
 * const builder = new ChatChunkBuilder(header, openAIFlavor, false);
 * builder.chunksFor({ type: 'text-delta', id: 't', delta: 'Hi' });
 * // [role chunk {delta: {role: 'assistant', content: ''}}, {delta: {content: 'Hi'}}]
 */
export class ChatChunkBuilder {
  private readonly header: ChunkHeader;
  private readonly toolIndexes = new Map<string, number>();
  private roleSent = false;
  private finished = false;
  /** The JSON of a choice chunk up to its `choices` value, while the header is unchanged. */
  private choicesPrefix: string | undefined;

  constructor(
    header: ChunkHeader,
    private readonly flavor: WireFlavor,
    private readonly includeUsage: boolean,
  ) {
    this.header = { ...header };
  }

  /** True once the finish part was turned into the final chunks. */
  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * The `data:` events of `chunksFor(part)`, byte for byte, as one string. A text delta (nearly every
   * part of a stream) is written from a template around the cached header JSON instead of building
   * and serialising a chunk object.
   */
  eventsFor(part: StreamPart): string {
    if (part.type !== 'text-delta' || !this.roleSent || part.delta === '') {
      return serverSentEvents(this.chunksFor(part));
    }
    const content = JSON.stringify(part.delta);
    const usage = this.includeUsage ? ',"usage":null' : '';
    return `data: ${this.prefix()}[{"index":0,"delta":{"content":${content}},"logprobs":null,"finish_reason":null}]${usage}}\n\n`;
  }

  chunksFor(part: StreamPart): unknown[] {
    switch (part.type) {
      case 'stream-start':
        if (part.modelId !== undefined && !this.roleSent) {
          this.header.model = part.modelId;
          this.choicesPrefix = undefined;
        }
        return [];
      case 'text-delta':
        return part.delta === '' ? [] : this.choiceChunks({ content: part.delta }, '');
      case 'tool-input-start':
        return this.startToolCall(part.id, part.toolName, '');
      case 'tool-input-delta': {
        const index = this.toolIndexes.get(part.id);
        if (index === undefined || part.delta === '') return [];
        return this.choiceChunks({ tool_calls: [{ index, function: { arguments: part.delta } }] }, null);
      }
      case 'tool-call':
        // Already streamed through tool-input parts, or announced whole by a provider that does not stream inputs.
        return this.toolIndexes.has(part.toolCallId)
          ? []
          : this.startToolCall(part.toolCallId, part.toolName, part.input);
      case 'metadata':
        return this.flavor.metadataChunks?.(part.providerMetadata, { ...this.header }) ?? [];
      case 'finish':
        return this.finish(part.finishReason, part.usage, part.providerMetadata);
      default:
        // Reasoning has no place in Chat Completions output; block boundaries carry nothing to write.
        return [];
    }
  }

  /** `{...header, "choices":` as JSON.stringify writes it. */
  private prefix(): string {
    if (this.choicesPrefix === undefined) {
      const open = JSON.stringify(this.header).slice(0, -1);
      this.choicesPrefix = `${open}${open === '{' ? '' : ','}"choices":`;
    }
    return this.choicesPrefix;
  }

  private startToolCall(id: string, name: string, input: string): unknown[] {
    const index = this.toolIndexes.size;
    this.toolIndexes.set(id, index);
    const call = { index, id, type: 'function', function: { name, arguments: input } };
    return this.choiceChunks({ tool_calls: [call] }, null);
  }

  private chunk(choices: unknown[]): Record<string, unknown> {
    const chunk: Record<string, unknown> = { ...this.header, choices };
    if (this.includeUsage) chunk['usage'] = null;
    return chunk;
  }

  /** The role chunk (once, first) followed by the chunk for this delta. */
  private choiceChunks(delta: Delta, firstContent: string | null, ending?: Ending): unknown[] {
    const chunks: unknown[] = [];
    if (!this.roleSent) {
      this.roleSent = true;
      const role = { role: 'assistant', content: firstContent, refusal: null };
      chunks.push(this.chunk([{ index: 0, delta: role, logprobs: null, finish_reason: null }]));
    }
    const finishReason = ending?.reason ?? null;
    chunks.push(
      this.chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason, ...ending?.fields }]),
    );
    return chunks;
  }

  private finish(
    finishReason: FinishReason,
    usage: Usage,
    metadata: ProviderMetadata | undefined,
  ): unknown[] {
    if (this.finished) return [];
    this.finished = true;
    const reason = mapOpenAIFinishReason(finishReason, this.toolIndexes.size > 0);
    const chunks = this.choiceChunks({}, '', { reason, fields: this.flavor.finishChoiceFields?.(metadata) });
    if (this.includeUsage) chunks.push({ ...this.header, choices: [], usage: convertToOpenAIUsage(usage) });
    return chunks;
  }
}
