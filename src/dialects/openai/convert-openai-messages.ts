import type {
  AssistantMessage,
  ChatMessage,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolCallPart,
  UserMessage,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { OpenAIMessage, OpenAIUserPart } from './openai-request-schemas.js';

type TextContent = string | Array<{ type: 'text'; text: string }>;

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s;

/**
 * `data:image/png;base64,…` → an inline source; anything else is a URL the provider may fetch.
 *
 * @example
 * toMediaSource('data:image/png;base64,iVBO', 'image/jpeg') // { type: 'base64', mediaType: 'image/png', data: 'iVBO' }
 */
export function toMediaSource(url: string, fallbackMediaType: string): MediaSource {
  const match = DATA_URL.exec(url);
  if (match === null) return { type: 'url', url };
  return { type: 'base64', mediaType: match[1] ?? fallbackMediaType, data: match[3] ?? '' };
}

function toTextParts(content: TextContent): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function toDocumentPart(
  file: { file_data?: string | null; file_id?: string | null; filename?: string | null },
  param: string,
) {
  if (file.file_data === undefined || file.file_data === null) {
    throw new GatewayError(
      'unsupported_parameter',
      `Unsupported parameter: '${param}.file_id'. The gateway has no file store; send the file inline as 'file_data' (a base64 data URL).`,
      { param: `${param}.file_id` },
    );
  }
  const source: MediaSource = file.file_data.startsWith('data:')
    ? toMediaSource(file.file_data, 'application/pdf')
    : { type: 'base64', mediaType: 'application/pdf', data: file.file_data };
  const part: DocumentPart = { type: 'document', source };
  if (file.filename !== undefined && file.filename !== null) part.name = file.filename;
  return part;
}

function toUserPart(part: OpenAIUserPart, param: string): UserMessage['content'][number] {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url': {
      const image: ImagePart = { type: 'image', source: toMediaSource(part.image_url.url, 'image/jpeg') };
      if (part.image_url.detail !== undefined && part.image_url.detail !== null)
        image.detail = part.image_url.detail;
      return image;
    }
    case 'input_audio':
      return { type: 'audio', data: part.input_audio.data, format: part.input_audio.format };
    case 'file':
      return toDocumentPart(part.file, `${param}.file`);
  }
}

/** Tool call ids → names, so tool results can carry the name providers like Gemini require. */
type ToolNames = Map<string, string>;

function toAssistantMessage(message: OpenAIMessage & { role: 'assistant' }, index: number, names: ToolNames) {
  const content: AssistantMessage['content'] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') content.push({ type: 'text', text: message.content });
  } else {
    for (const part of message.content ?? []) {
      content.push({ type: 'text', text: part.type === 'text' ? part.text : part.refusal });
    }
  }
  if (message.refusal !== undefined && message.refusal !== null && content.length === 0) {
    content.push({ type: 'text', text: message.refusal });
  }
  const calls: ToolCallPart[] = (message.tool_calls ?? []).map((call) => ({
    type: 'tool-call',
    toolCallId: call.id,
    toolName: call.function.name,
    input: call.function.arguments,
  }));
  // Legacy `function_call` has no id; the following `function` message is matched to it by name.
  if (message.function_call !== undefined && message.function_call !== null) {
    const { name, arguments: input } = message.function_call;
    calls.push({ type: 'tool-call', toolCallId: `function-call-${index}`, toolName: name, input });
  }
  for (const call of calls) names.set(call.toolCallId, call.toolName);
  const result: AssistantMessage = { role: 'assistant', content: [...content, ...calls] };
  return result;
}

function lastLegacyCallId(names: ToolNames, name: string): string | undefined {
  let found: string | undefined;
  for (const [id, toolName] of names) if (toolName === name && id.startsWith('function-call-')) found = id;
  return found;
}

function toChatMessage(message: OpenAIMessage, index: number, names: ToolNames): ChatMessage {
  const param = `messages[${index}].content`;
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: toTextParts(message.content) };
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map((part, partIndex) => toUserPart(part, `${param}[${partIndex}]`)),
      };
    case 'assistant':
      return toAssistantMessage(message, index, names);
    case 'tool': {
      const toolName = names.get(message.tool_call_id);
      const output = toTextParts(message.content);
      return {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: message.tool_call_id,
            ...(toolName ? { toolName } : {}),
            output,
          },
        ],
      };
    }
    case 'function': {
      const toolCallId = lastLegacyCallId(names, message.name) ?? `function-call-${index}`;
      const output: TextPart[] = [{ type: 'text', text: message.content ?? '' }];
      return { role: 'tool', content: [{ type: 'tool-result', toolCallId, toolName: message.name, output }] };
    }
  }
}

/**
 * Converts OpenAI chat messages to canonical ones. `developer` becomes `system` (the canonical
 * model has one instruction role); assistant refusals in history become text; tool results get the
 * tool name from the assistant message that made the call.
 *
 * @example
 * convertOpenAIMessages([{ role: 'developer', content: 'Be brief.' }])
 * // [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }]
 */
export function convertOpenAIMessages(messages: readonly OpenAIMessage[]): ChatMessage[] {
  const names: ToolNames = new Map();
  return messages.map((message, index) => toChatMessage(message, index, names));
}
