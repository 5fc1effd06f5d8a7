import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type { ResponseHeaders } from '../openai-compatible/parse-retry-after.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import { cohereEmbeddingResponseSchema, titanEmbeddingResponseSchema } from './bedrock-api-schemas.js';
import { bedrockBaseModelId } from './bedrock-model-family.js';

/** Titan takes one text per call; this many calls run at once. */
const TITAN_CONCURRENCY = 4;
/** Cohere Embed takes at most 96 texts per call. */
const COHERE_BATCH_SIZE = 96;

/** POSTs a model-native body to `/model/{id}/invoke` and returns the parsed JSON answer. */
export type InvokeModel = (
  body: Record<string, unknown>,
) => Promise<{ json: unknown; headers: ResponseHeaders }>;

type EmbeddingModel = 'titan-v1' | 'titan-v2' | 'cohere';

/**
 * Embeddings through InvokeModel, whose body is model-native, so the format is chosen by the model
 * id: Amazon Titan Text Embeddings (`amazon.titan-embed-text-v2:0`: one call per text with
 * `{inputText, dimensions, normalize: true}`; v1 without the last two) or Cohere Embed
 * (`cohere.embed-…`: `{texts, input_type}` in batches of 96, `input_type` from
 * `providerOptions.bedrock.inputType`, default `search_document`). Usage is Titan's
 * `inputTextTokenCount`, or Cohere's `x-amzn-bedrock-input-token-count` header.
 *
 * @example
 * const result = await embedWithBedrock({ model: 'embed', input: ['hello'] }, 'amazon.titan-embed-text-v2:0', invoke, url);
 */
export async function embedWithBedrock(
  request: EmbedRequest,
  modelId: string,
  invoke: InvokeModel,
  url: string,
): Promise<EmbedResult> {
  const model = embeddingModel(modelId);
  if (model === undefined) {
    throw new GatewayError(
      'invalid_request',
      `Bedrock model ${modelId} is not a supported embedding model (amazon.titan-embed-text-*, cohere.embed-*).`,
    );
  }
  const texts = request.input;
  if (!texts.every((input): input is string => typeof input === 'string')) {
    throw new GatewayError('invalid_request', 'Bedrock embedding models take text input, not token ids.', {
      param: 'input',
    });
  }
  const warnings: Warning[] = [];
  if (request.user !== undefined) warnings.push({ type: 'unsupported-setting', setting: 'user' });
  const options = request.providerOptions?.['bedrock'] ?? {};
  const result =
    model === 'cohere'
      ? await embedWithCohere(texts, request, modelId, options, invoke, url, warnings)
      : await embedWithTitan(texts, request, model, options, invoke, url, warnings);
  return { ...result, modelId, warnings };
}

function embeddingModel(modelId: string): EmbeddingModel | undefined {
  const id = bedrockBaseModelId(modelId);
  if (id.startsWith('amazon.titan-embed-text-v1')) return 'titan-v1';
  if (id.startsWith('amazon.titan-embed-text')) return 'titan-v2';
  if (id.startsWith('cohere.embed')) return 'cohere';
  return undefined;
}

type Embedded = Pick<EmbedResult, 'embeddings' | 'usage'>;

async function embedWithTitan(
  texts: string[],
  request: EmbedRequest,
  model: 'titan-v1' | 'titan-v2',
  options: Record<string, unknown>,
  invoke: InvokeModel,
  url: string,
  warnings: Warning[],
): Promise<Embedded> {
  const settings: Record<string, unknown> = {};
  if (model === 'titan-v2') {
    if (request.dimensions !== undefined) settings['dimensions'] = request.dimensions;
    settings['normalize'] = typeof options['normalize'] === 'boolean' ? options['normalize'] : true;
  } else if (request.dimensions !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'dimensions',
      details: 'Titan v1 has a fixed size',
    });
  }
  const results = await mapWithConcurrency(texts, TITAN_CONCURRENCY, async (inputText) => {
    const { json } = await invoke({ inputText, ...settings });
    const parsed = titanEmbeddingResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw badResponse(url, 'Bedrock answered with no Titan embedding.', JSON.stringify(json), parsed.error);
    }
    return parsed.data;
  });
  return {
    embeddings: results.map((result) => result.embedding),
    usage: { inputTokens: results.reduce((sum, result) => sum + (result.inputTextTokenCount ?? 0), 0) },
  };
}

async function embedWithCohere(
  texts: string[],
  request: EmbedRequest,
  modelId: string,
  options: Record<string, unknown>,
  invoke: InvokeModel,
  url: string,
  warnings: Warning[],
): Promise<Embedded> {
  const settings: Record<string, unknown> = {
    input_type: typeof options['inputType'] === 'string' ? options['inputType'] : 'search_document',
    ...(typeof options['truncate'] === 'string' ? { truncate: options['truncate'] } : {}),
  };
  if (request.dimensions !== undefined) {
    // Only Embed v4 has a choice of sizes.
    if (bedrockBaseModelId(modelId).startsWith('cohere.embed-v4'))
      settings['output_dimension'] = request.dimensions;
    else
      warnings.push({
        type: 'unsupported-setting',
        setting: 'dimensions',
        details: 'fixed by this Cohere model',
      });
  }
  const batches: string[][] = [];
  for (let start = 0; start < texts.length; start += COHERE_BATCH_SIZE) {
    batches.push(texts.slice(start, start + COHERE_BATCH_SIZE));
  }
  const embeddings: number[][] = [];
  let inputTokens = 0;
  for (const batch of batches) {
    const { json, headers } = await invoke({ texts: batch, ...settings });
    const parsed = cohereEmbeddingResponseSchema.safeParse(json);
    const vectors = parsed.success
      ? Array.isArray(parsed.data.embeddings)
        ? parsed.data.embeddings
        : parsed.data.embeddings.float
      : undefined;
    if (vectors === undefined || vectors.length !== batch.length) {
      throw badResponse(url, 'Bedrock answered without one Cohere embedding per text.', JSON.stringify(json));
    }
    embeddings.push(...vectors);
    inputTokens += Number.parseInt(String(headers['x-amzn-bedrock-input-token-count'] ?? '0'), 10) || 0;
  }
  return { embeddings, usage: { inputTokens } };
}

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the input order. After a
 * failure no new task starts.
 */
async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T);
      } catch (error: unknown) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
