import type {
  AssistantMessage,
  ChatMessage,
  MediaSource,
  ToolResultPart,
  UserMessage,
} from '../../core/chat-request.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { Warning } from '../../core/warning.js';

export type GeminiRequestPart = { [key: string]: unknown };

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

export interface ConvertedContents {
  contents: GeminiContent[];
  systemInstruction: { parts: { text: string }[] } | undefined;
  warnings: Warning[];
}

type Warn = (setting: string, details: string) => void;

const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

/**
 * Converts canonical messages to `contents` (roles `user` and `model` only) and `systemInstruction`.
 * System messages are hoisted (a warning says so when one came after the conversation started); tool
 * results become `functionResponse` parts of a user turn; consecutive turns of one role are merged,
 * since Vertex refuses turns that do not alternate. Reasoning with a signature is echoed back as
 * `thoughtSignature` (Gemini requires it on later turns of thinking models).
 *
 * @example
 * convertToGeminiContents([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
 * // { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], systemInstruction: undefined, warnings: [] }
 */
export function convertToGeminiContents(messages: readonly ChatMessage[]): ConvertedContents {
  const warned = new Map<string, Warning>();
  const warn: Warn = (setting, details) => {
    if (!warned.has(setting)) warned.set(setting, { type: 'unsupported-setting', setting, details });
  };
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        if (contents.length > 0)
          warn(
            'system-position',
            'Gemini takes one system instruction; later system messages were moved to it',
          );
        for (const part of message.content) system.push({ text: part.text });
        break;
      case 'user':
        append(contents, 'user', convertUserParts(message, warn));
        break;
      case 'assistant':
        append(contents, 'model', convertAssistantParts(message, toolNames));
        break;
      case 'tool':
        append(
          contents,
          'user',
          message.content.map((result) => convertToolResult(result, toolNames, warn)),
        );
        break;
    }
  }
  if (
    messages.some((message) => message.content.some((part) => 'cacheControl' in part && part.cacheControl))
  ) {
    warn('cacheControl', 'Gemini caches long prompt prefixes implicitly; cache breakpoints are not sent');
  }
  return {
    contents,
    systemInstruction: system.length > 0 ? { parts: system } : undefined,
    warnings: [...warned.values()],
  };
}

function append(contents: GeminiContent[], role: 'user' | 'model', parts: GeminiRequestPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function convertUserParts(message: UserMessage, warn: Warn): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        parts.push({ text: part.text });
        break;
      case 'image':
        parts.push(convertMedia(part.source, 'image/jpeg'));
        break;
      case 'document':
        parts.push(convertMedia(part.source, 'application/pdf'));
        break;
      case 'audio':
        parts.push({ inlineData: { mimeType: audioMimeType(part.format), data: part.data } });
        break;
    }
    if (part.type === 'image' && part.detail !== undefined)
      warn('image.detail', 'Gemini has no per-image detail; use mediaResolution in providerOptions');
  }
  return parts;
}

/** Inline base64 (data: URLs included) or a file URI (`gs://`, https, Files API) with its media type. */
function convertMedia(source: MediaSource, fallbackType: string): GeminiRequestPart {
  if (source.type === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } };
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(source.url)?.[1]?.toLowerCase();
  const mimeType = (extension && EXTENSION_TYPES[extension]) || fallbackType;
  return { fileData: { mimeType, fileUri: source.url } };
}

function audioMimeType(format: string): string {
  const lower = format.toLowerCase();
  if (lower.includes('/')) return lower;
  return lower === 'mp3' ? 'audio/mp3' : `audio/${lower}`;
}

function convertAssistantParts(
  message: AssistantMessage,
  toolNames: Map<string, string>,
): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = [];
  // A reasoning part with a signature but no text stands for the signature Gemini put on the next part.
  let pendingSignature: string | undefined;
  const withSignature = (part: GeminiRequestPart): GeminiRequestPart => {
    if (pendingSignature === undefined) return part;
    const signed = { ...part, thoughtSignature: pendingSignature };
    pendingSignature = undefined;
    return signed;
  };
  for (const part of message.content) {
    if (part.type === 'reasoning') {
      if (part.text === '' && part.signature !== undefined) pendingSignature = part.signature;
      else if (part.text !== '')
        parts.push({
          text: part.text,
          thought: true,
          ...(part.signature === undefined ? {} : { thoughtSignature: part.signature }),
        });
    } else if (part.type === 'text') {
      parts.push(withSignature({ text: part.text }));
    } else {
      toolNames.set(part.toolCallId, part.toolName);
      parts.push(withSignature({ functionCall: { name: part.toolName, args: parseArguments(part.input) } }));
    }
  }
  return parts;
}

/** Tool input is JSON text; Gemini wants an object. Anything else is wrapped so it is not lost. */
function parseArguments(input: string): unknown {
  if (input.trim() === '') return {};
  const parsed = safeParseJson(input);
  if (
    parsed.success &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    !Array.isArray(parsed.value)
  )
    return parsed.value;
  return { input: parsed.success ? parsed.value : input };
}

/** `response` is a Struct: `{output}` for results, `{error}` for failures, as Google's docs advise. */
function convertToolResult(
  result: ToolResultPart,
  toolNames: Map<string, string>,
  warn: Warn,
): GeminiRequestPart {
  const texts: string[] = [];
  for (const part of result.output) {
    if (part.type === 'text') texts.push(part.text);
    else
      warn('tool-result-image', 'Gemini function responses take text only; images in tool results omitted');
  }
  const text = texts.join('\n');
  const parsed = safeParseJson(text);
  const value = parsed.success && text.trim() !== '' ? parsed.value : text;
  const name = result.toolName ?? toolNames.get(result.toolCallId) ?? result.toolCallId;
  return { functionResponse: { name, response: result.isError ? { error: value } : { output: value } } };
}
