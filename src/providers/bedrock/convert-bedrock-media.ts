import type { DocumentPart, ImagePart, MediaSource } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';

export type BedrockMediaSource = { bytes: string } | { s3Location: { uri: string } };
export type BedrockImageBlock = { image: { format: string; source: BedrockMediaSource } };
export type BedrockDocumentBlock = { document: { format: string; name: string; source: BedrockMediaSource } };

const IMAGE_FORMATS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/** Document names must be unique in one request; this tracks the ones handed out. */
export interface DocumentNames {
  used: Set<string>;
}

/**
 * An image part as a Converse `image` block: inline base64 bytes, an `s3://` URL as an S3 location,
 * or a `data:` URL decoded to bytes. Bedrock cannot fetch web URLs, so those (and formats it does
 * not take) are dropped with a warning naming the part.
 *
 * @example
 * convertBedrockImage({ type: 'image', source: { type: 'base64', mediaType: 'image/png', data } }, 'messages[0].content[1]', warnings);
 * // { image: { format: 'png', source: { bytes: data } } }
 */
export function convertBedrockImage(
  part: ImagePart,
  path: string,
  warnings: Warning[],
): BedrockImageBlock | undefined {
  const media = resolveMedia(part.source);
  if (media === undefined) return drop(warnings, `${path}: Bedrock cannot fetch image URLs; image dropped`);
  const format = media.mediaType === undefined ? undefined : IMAGE_FORMATS[media.mediaType.toLowerCase()];
  if (format === undefined) {
    return drop(
      warnings,
      `${path}: image type ${media.mediaType ?? 'unknown'} is not supported by Bedrock; image dropped`,
    );
  }
  return { image: { format, source: media.source } };
}

/**
 * A document part as a Converse `document` block. Bedrock requires a name of letters, digits,
 * single spaces, hyphens, parentheses and square brackets, unique within the request, so the
 * given name is sanitised (`report_v2.pdf` → `report v2 pdf`) and numbered on collision.
 *
 * @example
 * convertBedrockDocument({ type: 'document', name: 'q3.pdf', source }, 'messages[0].content[0]', warnings, names);
 * // { document: { format: 'pdf', name: 'q3 pdf', source: { bytes } } }
 */
export function convertBedrockDocument(
  part: DocumentPart,
  path: string,
  warnings: Warning[],
  names: DocumentNames,
): BedrockDocumentBlock | undefined {
  const media = resolveMedia(part.source);
  if (media === undefined)
    return drop(warnings, `${path}: Bedrock cannot fetch document URLs; document dropped`);
  const format = media.mediaType === undefined ? undefined : DOCUMENT_FORMATS[media.mediaType.toLowerCase()];
  if (format === undefined) {
    return drop(
      warnings,
      `${path}: document type ${media.mediaType ?? 'unknown'} is not supported by Bedrock; document dropped`,
    );
  }
  const name = uniqueName(sanitizeBedrockDocumentName(part.name ?? ''), names);
  return { document: { format, name, source: media.source } };
}

/**
 * Keeps what Bedrock allows in a document name (alphanumerics, hyphens, parentheses, square
 * brackets, single spaces) and turns everything else into a space.
 *
 * @example
 * sanitizeBedrockDocumentName('Q3 report — final.v2.pdf'); // 'Q3 report final v2 pdf'
 */
export function sanitizeBedrockDocumentName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9\-()[\] ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .trim();
}

function uniqueName(base: string, names: DocumentNames): string {
  const stem = base === '' ? 'document' : base;
  let name = base === '' ? `document-${names.used.size + 1}` : stem;
  for (let count = 2; names.used.has(name); count++) name = `${stem} (${count})`;
  names.used.add(name);
  return name;
}

function resolveMedia(
  source: MediaSource,
): { mediaType: string | undefined; source: BedrockMediaSource } | undefined {
  if (source.type === 'base64') return { mediaType: source.mediaType, source: { bytes: source.data } };
  if (source.url.startsWith('s3://')) {
    return { mediaType: mediaTypeFromExtension(source.url), source: { s3Location: { uri: source.url } } };
  }
  const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(source.url);
  if (dataUrl !== null) return { mediaType: dataUrl[1], source: { bytes: dataUrl[2] ?? '' } };
  return undefined;
}

const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
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

function mediaTypeFromExtension(url: string): string | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(url)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : EXTENSION_TYPES[extension];
}

function drop(warnings: Warning[], message: string): undefined {
  warnings.push({ type: 'other', message });
  return undefined;
}
