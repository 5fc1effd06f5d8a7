import type { GatewayError } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { OpenAIErrorDetails } from '../openai-compatible/map-openai-error.js';
import type { OpenAIChatChunk, OpenAIChatResponse } from '../openai-compatible/openai-chat-api-schemas.js';

/*
 * Azure's Responsible-AI annotations: `prompt_filter_results` on the answer (older API versions:
 * `prompt_annotations`) and `content_filter_results` on each choice. They are kept under
 * `providerMetadata['azure-openai']` so the Azure dialect can echo them.
 */

/**
 * @example
 * extractAzureResponseMetadata(response); // { promptFilterResults: [...], contentFilterResults: {...} }
 */
export function extractAzureResponseMetadata(
  response: OpenAIChatResponse,
): Record<string, unknown> | undefined {
  return filterMetadata(response, response.choices?.[0]);
}

/**
 * Annotation chunks (`id: ""`, `choices: []` with `prompt_filter_results`, or choices carrying only
 * `content_filter_results`/`content_filter_offsets`) and annotated content chunks.
 *
 * @example
 * extractAzureChunkMetadata(annotationChunk); // { promptFilterResults: [{ prompt_index: 0, … }] }
 */
export function extractAzureChunkMetadata(chunk: OpenAIChatChunk): Record<string, unknown> | undefined {
  const choice = chunk.choices?.[0];
  const metadata = filterMetadata(chunk, choice);
  const offsets = choice?.['content_filter_offsets'];
  if (!isPresent(offsets)) return metadata;
  return { ...metadata, contentFilterOffsets: offsets };
}

function filterMetadata(
  container: Record<string, unknown>,
  choice: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const promptFilterResults = container['prompt_filter_results'] ?? container['prompt_annotations'];
  const contentFilterResults = choice?.['content_filter_results'];
  const metadata: Record<string, unknown> = {};
  if (isPresent(promptFilterResults)) metadata['promptFilterResults'] = promptFilterResults;
  if (isPresent(contentFilterResults)) metadata['contentFilterResults'] = contentFilterResults;
  return Object.keys(metadata).length === 0 ? undefined : metadata;
}

/** Azure sends `content_filter_results: {}` on chunks it did not annotate. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}

/**
 * A prompt blocked by the content filter (HTTP 400, `code: content_filter`) becomes
 * `content_filtered`: not retryable, with the filter verdict kept in `details`. Other errors use
 * the default mapping (Azure's 429 bodies and `retry-after-ms` need nothing special).
 *
 * @example
 * mapAzureError(details)?.code; // 'content_filtered' for a blocked prompt, undefined otherwise
 */
export function mapAzureError(details: OpenAIErrorDetails): GatewayError | undefined {
  const error = details.error;
  if (error?.code !== 'content_filter') return undefined;
  const inner = error['innererror'];
  const innerError = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : {};
  return new UpstreamError(error.message ?? 'The prompt was blocked by the Azure OpenAI content filter.', {
    url: details.url,
    // Mid-stream there is no status; the verdict is the same as the 400's, and as final.
    statusCode: details.status ?? 400,
    code: 'content_filtered',
    responseBody: details.responseBody,
    param: error.param ?? undefined,
    details: {
      innerCode: innerError['code'],
      // Real responses use the singular; some docs show the plural.
      contentFilterResult: innerError['content_filter_result'] ?? innerError['content_filter_results'],
    },
  });
}
