import type {
  AudioPart,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { GeminiPart } from './gemini-request-schemas.js';

export type UserContentPart = TextPart | ImagePart | DocumentPart | AudioPart;

const DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
] as const;

/** Part fields that qualify another field rather than carry data. */
const FLAG_FIELDS = new Set([
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'mediaResolution',
  'partMetadata',
]);

export type PartKind = (typeof DATA_FIELDS)[number] | 'signature-only';

/**
 * Which data field a part holds. A part with none but a `thoughtSignature` carries only the
 * signature; a part with an unknown data field (a newer part type) is refused by name.
 */
export function partKind(part: GeminiPart, param: string): PartKind {
  for (const field of DATA_FIELDS) if (part[field] !== undefined && part[field] !== null) return field;
  const unknown = Object.keys(part).find(
    (key) => !FLAG_FIELDS.has(key) && !(DATA_FIELDS as readonly string[]).includes(key),
  );
  if (unknown !== undefined) {
    throw new GatewayError(
      'unsupported_parameter',
      `Unsupported part field '${param}.${unknown}'. Supported: ${DATA_FIELDS.join(', ')}.`,
      { param: `${param}.${unknown}` },
    );
  }
  if (typeof part.thoughtSignature === 'string') return 'signature-only';
  throw new GatewayError(
    'invalid_request',
    `Invalid '${param}': a part must hold one of ${DATA_FIELDS.join(', ')}.`,
    { param },
  );
}

/** `audio/mpeg` → `mp3`, `audio/wav` → `wav`: the short format names providers expect. */
function audioFormat(mimeType: string): string {
  const subtype = mimeType.slice(mimeType.indexOf('/') + 1).split(';')[0] ?? '';
  if (subtype === 'mpeg' || subtype === 'mp3') return 'mp3';
  if (subtype === 'x-wav' || subtype === 'wave') return 'wav';
  return subtype;
}

/**
 * Media by MIME type: `image/*` → image, `audio/*` → audio (inline only), anything else → document.
 *
 * @example
 * toMediaPart('audio/wav', { type: 'base64', mediaType: 'audio/wav', data: 'UklG' }) // { type: 'audio', data: 'UklG', format: 'wav' }
 */
export function toMediaPart(mimeType: string, source: MediaSource): ImagePart | DocumentPart | AudioPart {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return { type: 'image', source };
  if (type.startsWith('audio/') && source.type === 'base64') {
    return { type: 'audio', data: source.data, format: audioFormat(type) };
  }
  return { type: 'document', source };
}

/** A `user` part that is content (not a function response) as a canonical part. */
export function toUserPart(part: GeminiPart, kind: PartKind, param: string): UserContentPart {
  if (kind === 'text') return { type: 'text', text: part.text ?? '' };
  if (kind === 'inlineData' && part.inlineData) {
    const { mimeType, data } = part.inlineData;
    return toMediaPart(mimeType, { type: 'base64', mediaType: mimeType, data });
  }
  if (kind === 'fileData' && part.fileData) {
    return toMediaPart(part.fileData.mimeType ?? '', { type: 'url', url: part.fileData.fileUri });
  }
  throw new GatewayError(
    'invalid_request',
    `Invalid '${param}': a ${kind} part cannot appear in a user turn.`,
    { param },
  );
}

/** A function response as a tool result: the response object as JSON text, images as image parts. */
export function toToolResult(
  response: NonNullable<GeminiPart['functionResponse']>,
  toolCallId: string,
  param: string,
): ToolResultPart {
  const body = response.response ?? {};
  const output: ToolResultPart['output'] = [{ type: 'text', text: JSON.stringify(body) }];
  for (const [index, extra] of (response.parts ?? []).entries()) {
    const blob = extra.inlineData;
    if (blob === undefined || blob === null) continue;
    if (!blob.mimeType.startsWith('image/')) {
      throw new GatewayError(
        'unsupported_parameter',
        `Unsupported '${param}.parts[${index}].inlineData': function responses may carry images only.`,
        { param: `${param}.parts[${index}].inlineData` },
      );
    }
    output.push({ type: 'image', source: { type: 'base64', mediaType: blob.mimeType, data: blob.data } });
  }
  const result: ToolResultPart = { type: 'tool-result', toolCallId, toolName: response.name, output };
  // Gemini's convention for a failed call is a response holding only `error`.
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === 'error') result.isError = true;
  return result;
}
