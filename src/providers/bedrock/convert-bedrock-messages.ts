import type {
  AssistantMessage,
  CacheControl,
  ChatMessage,
  ToolResultPart,
  UserMessage,
} from '../../core/chat-request.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { Warning } from '../../core/warning.js';
import {
  type BedrockDocumentBlock,
  type BedrockImageBlock,
  convertBedrockDocument,
  convertBedrockImage,
  type DocumentNames,
} from './convert-bedrock-media.js';

export type BedrockCachePoint = { cachePoint: { type: 'default'; ttl?: '1h' } };
export type BedrockToolResultContent = { text: string } | BedrockImageBlock;
export type BedrockReasoningContent =
  | { reasoningText: { text: string; signature: string } }
  | { redactedContent: string };
export type BedrockContentBlock =
  | { text: string }
  | BedrockImageBlock
  | BedrockDocumentBlock
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: { toolUseId: string; content: BedrockToolResultContent[]; status?: 'success' | 'error' };
    }
  | { reasoningContent: BedrockReasoningContent }
  | BedrockCachePoint;
export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockContentBlock[];
}
export type BedrockSystemBlock = { text: string } | BedrockCachePoint;

export interface BedrockConversation {
  system: BedrockSystemBlock[];
  messages: BedrockMessage[];
  /** Whether the history holds `toolUse`/`toolResult` blocks: Bedrock then requires a `toolConfig`. */
  hasToolBlocks: boolean;
}

export interface BedrockMessageOptions {
  /** Claude and Nova take `cachePoint` blocks; other models reject them. */
  supportsCachePoints: boolean;
  /** `toolResult.status` is only accepted by Claude and Nova. */
  supportsToolResultStatus: boolean;
}

/** Bedrock rejects blank text blocks, so an empty tool result says so in words. */
const EMPTY_TOOL_RESULT = '(empty)';

/**
 * Converts canonical messages to Converse `system` + `messages`. System messages are hoisted (with
 * a warning when one came after the conversation started); tool results become `toolResult`
 * blocks in a user turn; consecutive turns of one role are merged, since Bedrock requires user and
 * assistant to alternate; a part with `cacheControl` is followed by a `cachePoint`.
 *
 * @example
 * const { system, messages } = convertToBedrockMessages(request.messages, options, warnings);
 */
export function convertToBedrockMessages(
  messages: ChatMessage[],
  options: BedrockMessageOptions,
  warnings: Warning[],
): BedrockConversation {
  const converter = new MessageConverter(options, warnings);
  for (const [index, message] of messages.entries()) converter.add(message, index);
  return converter.finish();
}

class MessageConverter {
  private readonly system: BedrockSystemBlock[] = [];
  private readonly messages: BedrockMessage[] = [];
  private readonly documentNames: DocumentNames = { used: new Set() };
  private hasToolBlocks = false;
  private sawConversation = false;
  private droppedCachePoint = false;
  private droppedUnsignedReasoning = false;

  constructor(
    private readonly options: BedrockMessageOptions,
    private readonly warnings: Warning[],
  ) {}

  add(message: ChatMessage, index: number): void {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        if (this.sawConversation) {
          this.warn(
            `${path}: Bedrock takes system text only before the conversation; moved to the system prompt`,
          );
        }
        for (const part of message.content) {
          if (part.text === '') continue;
          this.system.push({ text: part.text });
          this.pushCachePoint(this.system, part.cacheControl);
        }
        return;
      case 'user':
        this.append('user', this.convertUserContent(message, path));
        return;
      case 'tool':
        this.append('user', this.convertToolResults(message.content, path));
        return;
      case 'assistant':
        this.append('assistant', this.convertAssistantContent(message, path));
        return;
    }
  }

  finish(): BedrockConversation {
    trimFinalAssistantText(this.messages);
    return { system: this.system, messages: this.messages, hasToolBlocks: this.hasToolBlocks };
  }

  private append(role: 'user' | 'assistant', blocks: BedrockContentBlock[]): void {
    this.sawConversation = true;
    if (blocks.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else this.messages.push({ role, content: blocks });
  }

  private convertUserContent(message: UserMessage, path: string): BedrockContentBlock[] {
    const blocks: BedrockContentBlock[] = [];
    message.content.forEach((part, index) => {
      const partPath = `${path}.content[${index}]`;
      let block: BedrockContentBlock | undefined;
      if (part.type === 'text') block = part.text === '' ? undefined : { text: part.text };
      else if (part.type === 'image') block = convertBedrockImage(part, partPath, this.warnings);
      else if (part.type === 'document') {
        block = convertBedrockDocument(part, partPath, this.warnings, this.documentNames);
      } else this.warn(`${partPath}: audio input is not supported through Converse; dropped`);
      if (block === undefined) return;
      blocks.push(block);
      if (part.type !== 'audio') this.pushCachePoint(blocks, part.cacheControl);
    });
    return blocks;
  }

  private convertAssistantContent(message: AssistantMessage, path: string): BedrockContentBlock[] {
    const blocks: BedrockContentBlock[] = [];
    message.content.forEach((part, index) => {
      const partPath = `${path}.content[${index}]`;
      if (part.type === 'text') {
        if (part.text === '') return;
        blocks.push({ text: part.text });
        this.pushCachePoint(blocks, part.cacheControl);
      } else if (part.type === 'reasoning') {
        if (part.redactedData !== undefined) {
          blocks.push({ reasoningContent: { redactedContent: part.redactedData } });
        } else if (part.signature !== undefined) {
          blocks.push({
            reasoningContent: { reasoningText: { text: part.text, signature: part.signature } },
          });
        } else if (!this.droppedUnsignedReasoning) {
          // Unsigned reasoning (from another provider) is rejected by Claude and ignored by the rest.
          this.droppedUnsignedReasoning = true;
          this.warn(`${partPath}: reasoning without a Bedrock signature cannot be sent back; dropped`);
        }
      } else {
        this.hasToolBlocks = true;
        blocks.push({
          toolUse: {
            toolUseId: part.toolCallId,
            name: part.toolName,
            input: this.parseToolInput(part.input, partPath),
          },
        });
      }
    });
    return blocks;
  }

  private convertToolResults(parts: ToolResultPart[], path: string): BedrockContentBlock[] {
    const blocks: BedrockContentBlock[] = [];
    parts.forEach((part, index) => {
      const partPath = `${path}.content[${index}]`;
      this.hasToolBlocks = true;
      const content: BedrockToolResultContent[] = [];
      part.output.forEach((output, outputIndex) => {
        if (output.type === 'text') {
          if (output.text !== '') content.push({ text: output.text });
        } else {
          const image = convertBedrockImage(output, `${partPath}.output[${outputIndex}]`, this.warnings);
          if (image !== undefined) content.push(image);
        }
      });
      if (content.length === 0) content.push({ text: EMPTY_TOOL_RESULT });
      const status = part.isError === true ? this.errorStatus(partPath) : undefined;
      blocks.push({
        toolResult: { toolUseId: part.toolCallId, content, ...(status === undefined ? {} : { status }) },
      });
      this.pushCachePoint(blocks, part.cacheControl);
    });
    return blocks;
  }

  private errorStatus(path: string): 'error' | undefined {
    if (this.options.supportsToolResultStatus) return 'error';
    this.warn(`${path}: this model does not take a tool-result error status; sent as a plain result`);
    return undefined;
  }

  private parseToolInput(input: string, path: string): unknown {
    if (input.trim() === '') return {};
    const parsed = safeParseJson(input);
    if (parsed.success) return parsed.value;
    this.warn(`${path}: tool-call input is not JSON; sent as {}`);
    return {};
  }

  private pushCachePoint(
    blocks: Array<BedrockContentBlock | BedrockSystemBlock>,
    cache?: CacheControl,
  ): void {
    if (cache === undefined) return;
    if (!this.options.supportsCachePoints) {
      if (!this.droppedCachePoint)
        this.warnings.push({ type: 'unsupported-setting', setting: 'cacheControl' });
      this.droppedCachePoint = true;
      return;
    }
    // Bedrock's default TTL is 5 minutes; `ttl` is only sent when it differs.
    blocks.push({ cachePoint: { type: 'default', ...(cache.ttl === '1h' ? { ttl: '1h' } : {}) } });
  }

  private warn(message: string): void {
    this.warnings.push({ type: 'other', message });
  }
}

/** Claude rejects a final assistant turn (a prefill) that ends in whitespace. */
function trimFinalAssistantText(messages: BedrockMessage[]): void {
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return;
  const index = last.content.findLastIndex((block) => 'text' in block);
  const block = last.content[index];
  if (block === undefined || !('text' in block)) return;
  const trimmed = block.text.trimEnd();
  if (trimmed === '') last.content.splice(index, 1);
  else last.content[index] = { text: trimmed };
  if (last.content.length === 0) messages.pop();
}
