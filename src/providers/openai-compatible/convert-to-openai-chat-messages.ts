import type {
  AssistantMessage,
  AudioPart,
  ChatMessage,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolMessage,
} from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';

export type OpenAIChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIChatMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | OpenAIChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAIMessageOptions {
  /** OpenAI reasoning models take instructions as `developer` messages. */
  systemRole: 'system' | 'developer';
  /** Whether base64 PDFs can be sent as `file` parts (OpenAI's chat API accepts them). */
  supportsPdfFiles: boolean;
}

/**
 * Converts canonical messages to Chat Completions messages. Content the target cannot take
 * (documents, images in tool results, reasoning in history) is left out with one warning per kind.
 *
 * @example
 * convertToOpenAIChatMessages([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], options);
 * // { messages: [{ role: 'user', content: 'Hi' }], warnings: [] }
 */
export function convertToOpenAIChatMessages(
  messages: readonly ChatMessage[],
  options: OpenAIMessageOptions,
): { messages: OpenAIChatMessage[]; warnings: Warning[] } {
  // Created at the first warning: most conversations have nothing to warn about.
  let warned: Map<string, Warning> | undefined;
  const warn = (setting: string, details: string) => {
    warned ??= new Map();
    if (!warned.has(setting)) warned.set(setting, { type: 'unsupported-setting', setting, details });
  };
  const converted: OpenAIChatMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        converted.push({ role: options.systemRole, content: joinText(message.content, '\n\n') });
        break;
      case 'user':
        converted.push({ role: 'user', content: convertUserContent(message.content, options, warn) });
        break;
      case 'assistant':
        converted.push(convertAssistantMessage(message, warn));
        break;
      case 'tool':
        converted.push(...convertToolMessage(message, warn));
        break;
    }
  }
  return { messages: converted, warnings: warned === undefined ? [] : [...warned.values()] };
}

type Warn = (setting: string, details: string) => void;

function joinText(parts: readonly TextPart[], separator: string): string {
  return parts.map((part) => part.text).join(separator);
}

function convertUserContent(
  parts: ReadonlyArray<TextPart | ImagePart | DocumentPart | AudioPart>,
  options: OpenAIMessageOptions,
  warn: Warn,
): string | OpenAIChatContentPart[] {
  // A lone text part goes as a plain string: the form every OpenAI-compatible server accepts.
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.type === 'text') return only.text;
  const content: OpenAIChatContentPart[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        content.push({ type: 'text', text: part.text });
        break;
      case 'image':
        content.push({
          type: 'image_url',
          image_url: {
            url: toUrl(part.source),
            ...(part.detail === undefined ? {} : { detail: part.detail }),
          },
        });
        break;
      case 'audio':
        content.push({
          type: 'input_audio',
          input_audio: { data: part.data, format: normaliseAudioFormat(part.format) },
        });
        break;
      case 'document': {
        const file = convertDocument(part, options);
        if (file === undefined)
          warn('document', 'this target takes no documents (only base64 PDFs on OpenAI); omitted');
        else content.push(file);
        break;
      }
    }
  }
  return content;
}

function convertDocument(
  part: DocumentPart,
  options: OpenAIMessageOptions,
): OpenAIChatContentPart | undefined {
  const source = part.source;
  if (!options.supportsPdfFiles || source.type !== 'base64' || source.mediaType !== 'application/pdf') {
    return undefined;
  }
  return { type: 'file', file: { filename: part.name ?? 'document.pdf', file_data: toUrl(source) } };
}

function toUrl(source: MediaSource): string {
  return source.type === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

/** `input_audio.format` takes `wav` or `mp3`; callers may hand over media types. */
function normaliseAudioFormat(format: string): string {
  const lower = format.toLowerCase().replace(/^audio\//, '');
  return lower === 'mpeg' ? 'mp3' : lower;
}

function convertAssistantMessage(message: AssistantMessage, warn: Warn): OpenAIChatMessage {
  let text = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of message.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') {
      toolCalls.push({
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: part.input },
      });
    } else warn('reasoning-history', 'Chat Completions takes no reasoning in assistant history; omitted');
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

function convertToolMessage(message: ToolMessage, warn: Warn): OpenAIChatMessage[] {
  return message.content.map((result) => {
    const texts: string[] = [];
    for (const part of result.output) {
      if (part.type === 'text') texts.push(part.text);
      else warn('tool-result-image', 'tool messages take text only; images in tool results omitted');
    }
    return { role: 'tool', tool_call_id: result.toolCallId, content: texts.join('\n') };
  });
}
