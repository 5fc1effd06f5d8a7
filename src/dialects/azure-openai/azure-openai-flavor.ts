import type { ProviderMetadata } from '../../core/chat-result.js';
import type { ChunkHeader, WireFlavor } from '../openai/wire-flavor.js';
import { azureErrorResponse } from './write-error.js';

/** Azure's annotations as the Azure provider keeps them (`providerMetadata['azure-openai']`). */
function annotations(metadata: ProviderMetadata | undefined) {
  const azure = metadata?.['azure-openai'];
  return {
    promptFilterResults: azure?.['promptFilterResults'],
    contentFilterResults: azure?.['contentFilterResults'],
    contentFilterOffsets: azure?.['contentFilterOffsets'],
  };
}

function contentFilterFields(metadata: ProviderMetadata | undefined): Record<string, unknown> | undefined {
  const { contentFilterResults, contentFilterOffsets } = annotations(metadata);
  if (contentFilterResults === undefined) return undefined;
  const fields: Record<string, unknown> = { content_filter_results: contentFilterResults };
  if (contentFilterOffsets !== undefined) fields['content_filter_offsets'] = contentFilterOffsets;
  return fields;
}

/**
 * Stream annotations: prompt results become Azure's prompt-annotation chunk (empty `id`, `object`
 * and `model`, `created: 0`, no choices); completion results become a choice chunk with an empty
 * delta, written at the point in the stream where the provider reported them.
 */
function metadataChunks(metadata: ProviderMetadata, header: ChunkHeader): unknown[] {
  const chunks: unknown[] = [];
  const { promptFilterResults } = annotations(metadata);
  if (promptFilterResults !== undefined) {
    chunks.push({
      id: '',
      object: '',
      created: 0,
      model: '',
      prompt_filter_results: promptFilterResults,
      choices: [],
    });
  }
  const fields = contentFilterFields(metadata);
  if (fields !== undefined) {
    chunks.push({
      ...header,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null, ...fields }],
    });
  }
  return chunks;
}

/**
 * The Azure OpenAI dialect: the OpenAI wire format plus `apim-request-id`, Azure's error shape and
 * content-filter annotations carried through from an Azure upstream.
 */
export const azureOpenAIFlavor: WireFlavor = {
  dialect: 'azure-openai',
  requestIdHeaders: (requestId) => ({ 'x-request-id': requestId, 'apim-request-id': requestId }),
  errorResponse: azureErrorResponse,
  completionFields(result) {
    const { promptFilterResults } = annotations(result.providerMetadata);
    const completion =
      promptFilterResults === undefined ? undefined : { prompt_filter_results: promptFilterResults };
    return { completion, choice: contentFilterFields(result.providerMetadata) };
  },
  metadataChunks,
  finishChoiceFields: contentFilterFields,
};
