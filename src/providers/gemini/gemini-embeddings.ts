import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import type { ProviderCallOptions } from '../provider.js';
import { geminiBatchEmbedResponseSchema } from './gemini-api-schemas.js';
import { geminiResourceName } from './gemini-model-name.js';
import type { PostJson } from './gemini-wire-provider.js';

// The Gemini API takes at most 100 requests per batchEmbedContents call.
const MAX_BATCH_REQUESTS = 100;

/** Per-request embedding options Google has and the canonical request does not, from `providerOptions`. */
export interface GoogleEmbedOptions {
  taskType?: string;
  title?: string;
  autoTruncate?: boolean;
}

/**
 * The texts to embed. Google's embedding APIs take text only, so token-id inputs are refused.
 *
 * @example
 * readEmbedTexts({ model: 'e', input: ['a', 'b'] }); // ['a', 'b']
 */
export function readEmbedTexts(request: EmbedRequest): string[] {
  if (request.input.some((entry) => typeof entry !== 'string')) {
    throw new GatewayError(
      'unsupported_parameter',
      'Google embedding models take text input, not token ids.',
      {
        param: 'input',
      },
    );
  }
  return request.input as string[];
}

/**
 * `taskType`, `title` and `autoTruncate` from `providerOptions.gemini` (and `.vertex` on Vertex).
 *
 * @example
 * readGoogleEmbedOptions({ model: 'e', input: ['a'], providerOptions: { gemini: { taskType: 'RETRIEVAL_QUERY' } } }, 'gemini');
 */
export function readGoogleEmbedOptions(
  request: EmbedRequest,
  providerType: 'gemini' | 'vertex',
): GoogleEmbedOptions {
  const merged = {
    ...request.providerOptions?.['gemini'],
    ...(providerType === 'vertex' ? request.providerOptions?.['vertex'] : undefined),
  };
  const options: GoogleEmbedOptions = {};
  if (typeof merged['taskType'] === 'string') options.taskType = merged['taskType'];
  if (typeof merged['title'] === 'string') options.title = merged['title'];
  if (typeof merged['autoTruncate'] === 'boolean') options.autoTruncate = merged['autoTruncate'];
  return options;
}

/** Warnings shared by both APIs: `user` has no equivalent, and a vector of the wrong size is reported. */
export function embedWarnings(request: EmbedRequest, embeddings: readonly number[][]): Warning[] {
  const warnings: Warning[] = [];
  if (request.user !== undefined)
    warnings.push({
      type: 'unsupported-setting',
      setting: 'user',
      details: 'Google has no end-user field; not sent',
    });
  const length = embeddings[0]?.length;
  if (request.dimensions !== undefined && length !== undefined && length !== request.dimensions) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'dimensions',
      details: `asked for ${request.dimensions}, the target returned ${length}`,
    });
  }
  return warnings;
}

/**
 * Gemini API embeddings through `:batchEmbedContents` (one request per text, as `@google/genai` sends
 * them; at most 100 per call, so longer inputs go out as parallel calls). The API reports no token
 * counts, so usage is estimated at four characters per token.
 *
 * @example
 * const result = await embedWithGeminiApi(request, options, post, url);
 */
export async function embedWithGeminiApi(
  request: EmbedRequest,
  options: ProviderCallOptions,
  post: PostJson,
  url: string,
): Promise<EmbedResult> {
  const texts = readEmbedTexts(request);
  const extra = readGoogleEmbedOptions(request, 'gemini');
  const model = geminiResourceName(options.modelId);
  const toRequest = (text: string) => ({
    model,
    content: { parts: [{ text }] },
    ...(extra.taskType === undefined ? {} : { taskType: extra.taskType }),
    ...(extra.title === undefined ? {} : { title: extra.title }),
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
  });
  const answers = await Promise.all(
    splitIntoBatches(texts, MAX_BATCH_REQUESTS).map(async (batch) => {
      const json = await post(url, { requests: batch.map(toRequest) }, options.signal);
      const parsed = geminiBatchEmbedResponseSchema.safeParse(json);
      if (!parsed.success || parsed.data.embeddings.length !== batch.length) {
        throw badResponse(
          url,
          'The upstream answer is not a list of embeddings, one per input.',
          JSON.stringify(json),
        );
      }
      return parsed.data.embeddings.map((embedding) => embedding.values);
    }),
  );
  const embeddings = answers.flat();
  const characters = texts.reduce((sum, text) => sum + text.length, 0);
  return {
    embeddings,
    usage: { inputTokens: Math.ceil(characters / 4) },
    modelId: options.modelId,
    warnings: embedWarnings(request, embeddings),
  };
}

/**
 * Consecutive slices of at most `size` items, for APIs that cap the inputs of one request.
 *
 * @example
 * splitIntoBatches(['a', 'b', 'c'], 2); // [['a', 'b'], ['c']]
 */
export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
