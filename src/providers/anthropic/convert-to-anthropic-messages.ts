import type {
  CacheControl,
  ChatMessage,
  DocumentPart,
  ImagePart,
  MediaSource,
  ToolResultPart,
} from '../../core/chat-request.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { Warning } from '../../core/warning.js';

export type AnthropicCacheControl = { type: 'ephemeral'; ttl?: '1h' };
export type AnthropicBlock = { type: string; cache_control?: AnthropicCacheControl } & Record<
  string,
  unknown
>;
export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

export interface AnthropicMessagesConversion {
  system: AnthropicBlock[];
  messages: AnthropicMessageParam[];
  warnings: Warning[];
}

/** `5m` is the API's default and needs no field; `1h` must be asked for. */
export function convertCacheControl(cacheControl: CacheControl | undefined): {
  cache_control?: AnthropicCacheControl;
} {
  if (cacheControl === undefined) return {};
  return {
    cache_control: cacheControl.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' },
  };
}

function mediaSource(source: MediaSource): Record<string, unknown> {
  return source.type === 'url'
    ? { type: 'url', url: source.url }
    : { type: 'base64', media_type: source.mediaType, data: source.data };
}

function convertImage(part: ImagePart): AnthropicBlock {
  return { type: 'image', source: mediaSource(part.source), ...convertCacheControl(part.cacheControl) };
}

/** PDFs go as they are; text documents are decoded and sent as plain text, the only text kind the API takes. */
function convertDocument(part: DocumentPart, warnings: Warning[]): AnthropicBlock | undefined {
  const { source } = part;
  const title = part.name === undefined ? {} : { title: part.name };
  const cache = convertCacheControl(part.cacheControl);
  if (source.type === 'url' || source.mediaType === 'application/pdf') {
    return { type: 'document', source: mediaSource(source), ...title, ...cache };
  }
  if (source.mediaType.startsWith('text/')) {
    if (source.mediaType !== 'text/plain') {
      warnings.push({ type: 'other', message: `document ${source.mediaType} sent as text/plain` });
    }
    const data = Buffer.from(source.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data }, ...title, ...cache };
  }
  warnings.push({
    type: 'other',
    message: `document ${source.mediaType} is not supported by Anthropic; dropped`,
  });
  return undefined;
}

function convertToolResult(part: ToolResultPart): AnthropicBlock {
  const content = part.output.map((output) =>
    output.type === 'text'
      ? { type: 'text', text: output.text, ...convertCacheControl(output.cacheControl) }
      : convertImage(output),
  );
  return {
    type: 'tool_result',
    tool_use_id: part.toolCallId,
    ...(content.length > 0 ? { content } : {}),
    ...(part.isError ? { is_error: true } : {}),
    ...convertCacheControl(part.cacheControl),
  };
}

/** Tool inputs travel as JSON text in core; the API wants an object. */
function parseToolInput(input: string, toolName: string, warnings: Warning[]): Record<string, unknown> {
  const parsed = safeParseJson(input === '' ? '{}' : input);
  if (
    parsed.success &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    !Array.isArray(parsed.value)
  ) {
    return parsed.value as Record<string, unknown>;
  }
  warnings.push({ type: 'other', message: `tool call ${toolName}: input is not a JSON object; sent as {}` });
  return {};
}

function convertAssistant(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  warnings: Warning[],
): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      // The API refuses empty text blocks; an empty string carries nothing to keep.
      if (part.text !== '')
        blocks.push({ type: 'text', text: part.text, ...convertCacheControl(part.cacheControl) });
    } else if (part.type === 'tool-call') {
      blocks.push({
        type: 'tool_use',
        id: part.toolCallId,
        name: part.toolName,
        input: parseToolInput(part.input, part.toolName, warnings),
      });
    } else if (part.redactedData !== undefined) {
      blocks.push({ type: 'redacted_thinking', data: part.redactedData });
    } else if (part.signature !== undefined) {
      blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
    } else {
      warnings.push({
        type: 'other',
        message: 'reasoning without a signature cannot be sent back to Anthropic; dropped',
      });
    }
  }
  return blocks;
}

function convertUser(message: Extract<ChatMessage, { role: 'user' }>, warnings: Warning[]): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text !== '')
        blocks.push({ type: 'text', text: part.text, ...convertCacheControl(part.cacheControl) });
    } else if (part.type === 'image') blocks.push(convertImage(part));
    else if (part.type === 'document') {
      const document = convertDocument(part, warnings);
      if (document !== undefined) blocks.push(document);
    } else warnings.push({ type: 'other', message: 'audio input is not supported by Anthropic; dropped' });
  }
  return blocks;
}

/** Consecutive same-role turns become one (tool results join the user turn); tool results lead their turn. */
function appendTurn(
  messages: AnthropicMessageParam[],
  role: 'user' | 'assistant',
  blocks: AnthropicBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function resultsFirst(message: AnthropicMessageParam): AnthropicMessageParam {
  if (message.role !== 'user') return message;
  const results = message.content.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return message;
  return {
    role: 'user',
    content: [...results, ...message.content.filter((block) => block.type !== 'tool_result')],
  };
}

/**
 * Converts canonical messages to Messages API turns: system messages are hoisted into `system`
 * (with a warning when one sat after the conversation began), tool messages become user turns of
 * `tool_result` blocks, consecutive same-role turns are merged, reasoning goes back as signed
 * `thinking` or `redacted_thinking`, and `cacheControl` becomes `cache_control`.
 *
 * @example convertToAnthropicMessages(request.messages).messages[0] // { role: 'user', content: [...] }
 */
export function convertToAnthropicMessages(input: readonly ChatMessage[]): AnthropicMessagesConversion {
  const warnings: Warning[] = [];
  const system: AnthropicBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  input.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        if (messages.length > 0) {
          warnings.push({
            type: 'other',
            message: `system message at position ${index} moved to the top-level system prompt`,
          });
        }
        for (const part of message.content) {
          if (part.text !== '')
            system.push({ type: 'text', text: part.text, ...convertCacheControl(part.cacheControl) });
        }
        break;
      case 'user':
        appendTurn(messages, 'user', convertUser(message, warnings));
        break;
      case 'assistant':
        appendTurn(messages, 'assistant', convertAssistant(message, warnings));
        break;
      case 'tool':
        appendTurn(messages, 'user', message.content.map(convertToolResult));
        break;
    }
  });
  return { system, messages: messages.map(resultsFirst), warnings };
}
