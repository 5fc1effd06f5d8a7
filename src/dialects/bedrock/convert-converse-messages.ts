import type {
  AssistantMessage,
  CacheControl,
  ChatMessage,
  DocumentPart,
  ImagePart,
  SystemMessage,
  TextPart,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type {
  CachePoint,
  ContentBlock,
  ConverseRequestBody,
  DocumentBlock,
  ImageBlock,
  ToolResultContent,
} from './bedrock-request-schemas.js';
import { formatCoralPath } from './format-bedrock-validation-error.js';

const DOCUMENT_MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  txt: 'text/plain',
  md: 'text/markdown',
};

type Path = readonly PropertyKey[];
type CacheablePart = TextPart | ImagePart | DocumentPart | ToolResultPart;

/** Converse → canonical conversion state: the messages so far, warnings, and tool names by id. */
class ConversationBuilder {
  readonly messages: ChatMessage[] = [];
  readonly warnings: Warning[] = [];
  private readonly toolNames = new Map<string, string>();
  /** The last part a following `cachePoint` can mark; undefined when the last block cannot carry one. */
  private lastCacheable: CacheablePart | undefined;

  unsupported(path: Path, what: string): never {
    throw new GatewayError(
      'unsupported_parameter',
      `The gateway does not support ${what} (at '${formatCoralPath(path)}').`,
      { param: formatCoralPath(path) },
    );
  }

  markCachePoint(cachePoint: CachePoint, path: Path): void {
    if (this.lastCacheable === undefined) {
      this.warnings.push({
        type: 'other',
        message: `cachePoint at ${formatCoralPath(path)} follows no text, image, document or tool result and was dropped`,
      });
      return;
    }
    this.lastCacheable.cacheControl = { ttl: cachePoint.ttl ?? '5m' } satisfies CacheControl;
  }

  track(part: CacheablePart | undefined): void {
    this.lastCacheable = part;
  }

  rememberTool(id: string, name: string): void {
    this.toolNames.set(id, name);
  }

  toolName(id: string): string | undefined {
    return this.toolNames.get(id);
  }
}

/** One user turn: tool results go first (as every provider wants them right after the tool calls). */
interface UserTurn {
  results: ToolResultPart[];
  content: UserMessage['content'];
}

function convertImage(image: ImageBlock, path: Path, builder: ConversationBuilder): ImagePart {
  if (image.source.bytes === undefined)
    builder.unsupported([...path, 'source', 's3Location'], 'S3 image sources; send bytes');
  return {
    type: 'image',
    source: { type: 'base64', mediaType: `image/${image.format}`, data: image.source.bytes },
  };
}

function convertDocument(document: DocumentBlock, path: Path, builder: ConversationBuilder): DocumentPart {
  const { source } = document;
  const mediaType = DOCUMENT_MEDIA_TYPES[document.format ?? 'txt'] ?? 'text/plain';
  if (source.bytes !== undefined) {
    return {
      type: 'document',
      name: document.name,
      source: { type: 'base64', mediaType, data: source.bytes },
    };
  }
  if (source.text !== undefined) {
    const data = Buffer.from(source.text, 'utf8').toString('base64');
    return {
      type: 'document',
      name: document.name,
      source: { type: 'base64', mediaType: 'text/plain', data },
    };
  }
  return builder.unsupported([...path, 'source'], 'S3 or structured document sources; send bytes or text');
}

function convertToolResultContent(
  content: ToolResultContent,
  path: Path,
  builder: ConversationBuilder,
): TextPart | ImagePart {
  if (content.text !== undefined) return { type: 'text', text: content.text };
  if (content.json !== undefined) return { type: 'text', text: JSON.stringify(content.json) };
  if (content.image !== undefined) return convertImage(content.image, [...path, 'image'], builder);
  if (content.document?.source.text !== undefined)
    return { type: 'text', text: content.document.source.text };
  return builder.unsupported(path, 'this toolResult content; send text, json, image or a text document');
}

function addUserBlock(block: ContentBlock, path: Path, turn: UserTurn, builder: ConversationBuilder): void {
  if (block.toolResult !== undefined) {
    const { toolUseId, content, status } = block.toolResult;
    const part: ToolResultPart = {
      type: 'tool-result',
      toolCallId: toolUseId,
      output: content.map((item, index) =>
        convertToolResultContent(item, [...path, 'toolResult', 'content', index], builder),
      ),
    };
    const toolName = builder.toolName(toolUseId);
    if (toolName !== undefined) part.toolName = toolName;
    if (status === 'error') part.isError = true;
    turn.results.push(part);
    builder.track(part);
    return;
  }
  let part: TextPart | ImagePart | DocumentPart;
  if (block.text !== undefined) part = { type: 'text', text: block.text };
  else if (block.image !== undefined) part = convertImage(block.image, [...path, 'image'], builder);
  else if (block.document !== undefined)
    part = convertDocument(block.document, [...path, 'document'], builder);
  else if (block.guardContent?.text !== undefined) {
    part = { type: 'text', text: block.guardContent.text.text };
    builder.warnings.push({ type: 'other', message: 'guardContent was sent as plain text' });
  } else if (block.audio?.source.bytes !== undefined) {
    turn.content.push({ type: 'audio', data: block.audio.source.bytes, format: block.audio.format });
    builder.track(undefined);
    return;
  } else {
    const member = Object.keys(block)[0] ?? 'block';
    builder.unsupported([...path, member], `'${member}' content blocks in user messages`);
  }
  turn.content.push(part);
  builder.track(part);
}

function addAssistantBlock(
  block: ContentBlock,
  path: Path,
  content: AssistantMessage['content'],
  builder: ConversationBuilder,
): void {
  if (block.text !== undefined) {
    const part: TextPart = { type: 'text', text: block.text };
    content.push(part);
    builder.track(part);
    return;
  }
  if (block.toolUse !== undefined) {
    const { toolUseId, name, input } = block.toolUse;
    builder.rememberTool(toolUseId, name);
    content.push({
      type: 'tool-call',
      toolCallId: toolUseId,
      toolName: name,
      input: JSON.stringify(input ?? {}),
    });
  } else if (block.reasoningContent?.reasoningText !== undefined) {
    const { text, signature } = block.reasoningContent.reasoningText;
    content.push({ type: 'reasoning', text, ...(signature === undefined ? {} : { signature }) });
  } else if (block.reasoningContent?.redactedContent !== undefined) {
    content.push({ type: 'reasoning', text: '', redactedData: block.reasoningContent.redactedContent });
  } else {
    const member = Object.keys(block)[0] ?? 'block';
    builder.unsupported([...path, member], `'${member}' content blocks in assistant messages`);
  }
  builder.track(undefined);
}

function convertSystem(
  system: NonNullable<ConverseRequestBody['system']>,
  builder: ConversationBuilder,
): void {
  const content: TextPart[] = [];
  for (const [index, block] of system.entries()) {
    const path = ['system', index];
    if (block.cachePoint !== undefined) {
      builder.markCachePoint(block.cachePoint, path);
      continue;
    }
    const text = block.text ?? block.guardContent?.text?.text;
    if (text === undefined) builder.unsupported(path, 'image guardContent in system');
    if (block.guardContent !== undefined) {
      builder.warnings.push({ type: 'other', message: 'guardContent was sent as plain text' });
    }
    const part: TextPart = { type: 'text', text };
    content.push(part);
    builder.track(part);
  }
  if (content.length > 0) builder.messages.push({ role: 'system', content } satisfies SystemMessage);
  builder.track(undefined);
}

function checkTurnOrder(messages: ConverseRequestBody['messages']): void {
  if (messages[0]?.role !== 'user') {
    throw new GatewayError(
      'invalid_request',
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      { param: 'messages' },
    );
  }
  messages.forEach((message, index) => {
    if (index > 0 && messages[index - 1]?.role === message.role) {
      throw new GatewayError(
        'invalid_request',
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
        { param: formatCoralPath(['messages', index, 'role']) },
      );
    }
  });
}

/**
 * Converse `system` + `messages` → canonical messages. A user turn's `toolResult` blocks become a
 * `tool` message placed before the turn's other blocks (providers want results right after the
 * calls); a `cachePoint` marks the part before it;
 * content the gateway cannot carry is refused naming the field, never dropped.
 *
 * @example
 * convertConverseMessages({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })
 * // { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], warnings: [] }
 */
export function convertConverseMessages(body: Pick<ConverseRequestBody, 'messages' | 'system'>): {
  messages: ChatMessage[];
  warnings: Warning[];
} {
  checkTurnOrder(body.messages);
  const builder = new ConversationBuilder();
  if (body.system !== undefined) convertSystem(body.system, builder);
  body.messages.forEach((message, messageIndex) => {
    builder.track(undefined);
    const turn: UserTurn = { results: [], content: [] };
    const assistant: AssistantMessage['content'] = [];
    for (const [blockIndex, block] of message.content.entries()) {
      const path = ['messages', messageIndex, 'content', blockIndex];
      if (block.cachePoint !== undefined) builder.markCachePoint(block.cachePoint, path);
      else if (message.role === 'user') addUserBlock(block, path, turn, builder);
      else addAssistantBlock(block, path, assistant, builder);
    }
    if (message.role === 'assistant') builder.messages.push({ role: 'assistant', content: assistant });
    if (turn.results.length > 0)
      builder.messages.push({ role: 'tool', content: turn.results } satisfies ToolMessage);
    if (turn.content.length > 0) builder.messages.push({ role: 'user', content: turn.content });
  });
  return { messages: builder.messages, warnings: builder.warnings };
}
