import type {
  CacheControl,
  DocumentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './anthropic-request-schemas.js';

/** Refuses a valid Anthropic feature the gateway cannot carry to an arbitrary target. */
export function unsupportedFeature(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_parameter', `${param}: ${message}`, { param });
}

/**
 * `cache_control` → a canonical breakpoint; Anthropic's default TTL is five minutes.
 *
 * @example
 * toCacheControl({ type: 'ephemeral' }) // { ttl: '5m' }
 */
export function toCacheControl(value: AnthropicCacheControl | null | undefined): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  return { ttl: value.ttl ?? '5m' };
}

function withCache<T extends { cacheControl?: CacheControl }>(
  part: T,
  value: AnthropicCacheControl | null | undefined,
): T {
  const cacheControl = toCacheControl(value);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

/** Citations on history text are echoes of earlier output; they do not steer generation, so they are dropped. */
export function toTextPart(block: AnthropicTextBlock): TextPart {
  return withCache<TextPart>({ type: 'text', text: block.text }, block.cache_control);
}

export function toImagePart(block: AnthropicImageBlock, param: string): ImagePart {
  const source = block.source;
  if (source.type === 'file') {
    throw unsupportedFeature(
      `${param}.source`,
      'file sources are not supported; the gateway has no file store. Send the image as base64 or a URL.',
    );
  }
  const media: MediaSource =
    source.type === 'url'
      ? { type: 'url', url: source.url }
      : { type: 'base64', mediaType: source.media_type, data: source.data };
  return withCache<ImagePart>({ type: 'image', source: media }, block.cache_control);
}

function plainText(text: string): MediaSource {
  return { type: 'base64', mediaType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') };
}

function toDocumentSource(block: AnthropicDocumentBlock, param: string): MediaSource {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      return { type: 'base64', mediaType: source.media_type, data: source.data };
    case 'text':
      return plainText(source.data);
    case 'url':
      return { type: 'url', url: source.url };
    case 'content': {
      if (typeof source.content === 'string') return plainText(source.content);
      if (source.content.some((part) => part.type === 'image')) {
        throw unsupportedFeature(
          `${param}.source.content`,
          'images inside a content document are not supported; send them as separate image blocks.',
        );
      }
      return plainText(source.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'));
    }
    case 'file':
      throw unsupportedFeature(
        `${param}.source`,
        'file sources are not supported; the gateway has no file store. Send the document as base64, text or a URL.',
      );
  }
}

/**
 * A document block → a canonical document. Plain-text and `content` sources become `text/plain`
 * base64 documents; `context` and enabled `citations` have no canonical field and become warnings.
 */
export function toDocumentPart(
  block: AnthropicDocumentBlock,
  param: string,
  warnings: Warning[],
): DocumentPart {
  const part: DocumentPart = { type: 'document', source: toDocumentSource(block, param) };
  if (block.title !== undefined && block.title !== null) part.name = block.title;
  if (block.context !== undefined && block.context !== null) {
    warnings.push({ type: 'unsupported-setting', setting: `${param}.context`, details: 'not sent' });
  }
  if (block.citations?.enabled === true) {
    warnings.push({
      type: 'unsupported-setting',
      setting: `${param}.citations`,
      details: 'citations are not supported; the answer carries none',
    });
  }
  return withCache(part, block.cache_control);
}

/** A tool_result block → a canonical tool result; `toolName` comes from the matching tool_use. */
export function toToolResultPart(
  block: AnthropicToolResultBlock,
  param: string,
  toolName: string | undefined,
): ToolResultPart {
  const output: ToolResultPart['output'] = [];
  const content = block.content ?? [];
  if (typeof content === 'string') output.push({ type: 'text', text: content });
  else {
    content.forEach((item, index) => {
      if (item.type === 'text') output.push(toTextPart(item));
      else if (item.type === 'image') output.push(toImagePart(item, `${param}.content.${index}`));
      else {
        throw unsupportedFeature(
          `${param}.content.${index}`,
          'documents inside tool results are not supported; put the document in a separate block.',
        );
      }
    });
  }
  const part: ToolResultPart = { type: 'tool-result', toolCallId: block.tool_use_id, output };
  if (toolName !== undefined) part.toolName = toolName;
  if (block.is_error === true) part.isError = true;
  return withCache(part, block.cache_control);
}
