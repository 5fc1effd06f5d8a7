import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import { vertexPredictEmbedResponseSchema } from '../gemini/gemini-api-schemas.js';
import {
  embedWarnings,
  readEmbedTexts,
  readGoogleEmbedOptions,
  splitIntoBatches,
} from '../gemini/gemini-embeddings.js';
import { bareGeminiModelId } from '../gemini/gemini-model-name.js';
import type { PostJson } from '../gemini/gemini-wire-provider.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import type { ProviderCallOptions } from '../provider.js';

// Vertex takes up to 250 instances per :predict, but gemini-embedding-001 only one.
const MAX_INSTANCES = 250;

/**
 * Vertex AI embeddings through `:predict` (text-embedding-00x, text-multilingual-*, gemini-embedding-001,
 * as `@google/genai` calls them): `instances: [{content, task_type?, title?}]`,
 * `parameters: {outputDimensionality?, autoTruncate?}` → `predictions[].embeddings.values`, with token
 * counts from `statistics.token_count`. gemini-embedding models take one instance per request, so those
 * are sent as parallel requests.
 *
 * @example
 * const result = await embedWithVertexPredict(request, options, post, url);
 */
export async function embedWithVertexPredict(
  request: EmbedRequest,
  options: ProviderCallOptions,
  post: PostJson,
  url: string,
): Promise<EmbedResult> {
  const texts = readEmbedTexts(request);
  const extra = readGoogleEmbedOptions(request, 'vertex');
  const parameters = {
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    ...(extra.autoTruncate === undefined ? {} : { autoTruncate: extra.autoTruncate }),
  };
  const batchSize = bareGeminiModelId(options.modelId).startsWith('gemini-embedding') ? 1 : MAX_INSTANCES;
  const answers = await Promise.all(
    splitIntoBatches(texts, batchSize).map(async (batch) => {
      const body = {
        instances: batch.map((content) => ({
          content,
          ...(extra.taskType === undefined ? {} : { task_type: extra.taskType }),
          ...(extra.title === undefined ? {} : { title: extra.title }),
        })),
        ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
      };
      const json = await post(url, body, options.signal);
      const parsed = vertexPredictEmbedResponseSchema.safeParse(json);
      if (!parsed.success || parsed.data.predictions.length !== batch.length) {
        throw badResponse(
          url,
          'The upstream answer is not a list of embeddings, one per input.',
          JSON.stringify(json),
        );
      }
      return parsed.data.predictions;
    }),
  );
  const predictions = answers.flat();
  const embeddings = predictions.map((prediction) => prediction.embeddings.values);
  const inputTokens = predictions.reduce(
    (sum, prediction) => sum + (prediction.embeddings.statistics?.token_count ?? 0),
    0,
  );
  return {
    embeddings,
    usage: { inputTokens },
    modelId: options.modelId,
    warnings: embedWarnings(request, embeddings),
  };
}
