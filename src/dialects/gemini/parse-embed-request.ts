import type { z } from 'zod';
import type { EmbedRequest } from '../../core/embed-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { toValidationError } from '../openai/format-validation-error.js';
import {
  batchEmbedContentsRequestSchema,
  type EmbedContentRequestBody,
  embedContentRequestSchema,
  type GeminiContent,
  predictRequestSchema,
} from './gemini-request-schemas.js';

/** Which endpoint was called, which decides the response shape. */
export type EmbedShape = 'embedContent' | 'batchEmbedContents' | 'predict';

interface EmbedOptions {
  taskType?: string | null;
  title?: string | null;
  outputDimensionality?: number | null;
  autoTruncate?: boolean | null;
}

/** The text of a content: its text parts joined; other parts cannot be embedded. */
function contentText(content: GeminiContent, param: string): string {
  const texts: string[] = [];
  for (const [index, part] of (content.parts ?? []).entries()) {
    if (typeof part.text !== 'string') {
      throw new GatewayError(
        'unsupported_parameter',
        `Unsupported '${param}.parts[${index}]': only text parts can be embedded through the gateway.`,
        { param: `${param}.parts[${index}]` },
      );
    }
    texts.push(part.text);
  }
  return texts.join('\n');
}

/** One value for the whole batch: the canonical request has one setting for all inputs. */
function uniform<T>(values: readonly (T | null | undefined)[], param: string): T | undefined {
  const set = values.filter((value): value is T => value !== null && value !== undefined);
  const [first] = set;
  if (set.some((value) => value !== first) || (set.length > 0 && set.length < values.length)) {
    throw new GatewayError(
      'unsupported_parameter',
      `Unsupported: '${param}' must be the same for every request in one batch.`,
      { param },
    );
  }
  return first;
}

function buildRequest(model: string, input: string[], options: EmbedOptions): EmbedRequest {
  const request: EmbedRequest = { model, input };
  if (options.outputDimensionality != null) request.dimensions = options.outputDimensionality;
  const gemini: Record<string, unknown> = {};
  if (options.taskType != null) gemini['taskType'] = options.taskType;
  if (options.title != null) gemini['title'] = options.title;
  if (options.autoTruncate != null) gemini['autoTruncate'] = options.autoTruncate;
  if (Object.keys(gemini).length > 0) request.providerOptions = { gemini };
  return request;
}

/** A batch's settings: one canonical request carries one of each, so every entry must agree. */
function sharedOptions(settings: readonly EmbedOptions[], prefix: string): EmbedOptions {
  const shared = (field: keyof EmbedOptions) =>
    uniform(
      settings.map((entry) => entry[field]),
      `${prefix}.${field}`,
    );
  return {
    taskType: shared('taskType') as string | undefined,
    title: shared('title') as string | undefined,
    outputDimensionality: shared('outputDimensionality') as number | undefined,
    autoTruncate: shared('autoTruncate') as boolean | undefined,
  };
}

/** Each request of a batch names the model too (`models/{m}`); it must be the one in the URL. */
function checkBatchModels(requests: readonly EmbedContentRequestBody[], model: string): void {
  for (const [index, request] of requests.entries()) {
    const named = request.model?.replace(/^models\//, '');
    if (named !== undefined && named !== model) {
      throw new GatewayError(
        'invalid_request',
        `Invalid 'requests[${index}].model': '${request.model}' differs from the model in the URL, '${model}'.`,
        { param: `requests[${index}].model` },
      );
    }
  }
}

function optionsOf(body: EmbedContentRequestBody): EmbedOptions {
  const config = body.embedContentConfig;
  return {
    taskType: body.taskType ?? config?.taskType,
    title: body.title ?? config?.title,
    outputDimensionality: body.outputDimensionality ?? config?.outputDimensionality,
    autoTruncate: body.autoTruncate ?? config?.autoTruncate,
  };
}

function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  return parsed.data;
}

/**
 * Validates an embeddings body — Gemini `embedContent` / `batchEmbedContents` or Vertex
 * `embedContent` / `:predict` — and converts it to one canonical request. `outputDimensionality`
 * → `dimensions`; `taskType`, `title`s and `autoTruncate` → `providerOptions.gemini`.
 *
 * @example
 * parseEmbedRequest({ content: { parts: [{ text: 'hi' }] } }, { model: 'text-embedding-004', shape: 'embedContent' })
 * // { model: 'text-embedding-004', input: ['hi'] }
 */
export function parseEmbedRequest(
  input: unknown,
  options: { model: string; shape: EmbedShape },
): EmbedRequest {
  if (options.shape === 'embedContent') {
    const body = parseWith(embedContentRequestSchema, input);
    return buildRequest(options.model, [contentText(body.content, 'content')], optionsOf(body));
  }
  if (options.shape === 'batchEmbedContents') {
    const { requests } = parseWith(batchEmbedContentsRequestSchema, input);
    checkBatchModels(requests, options.model);
    const texts = requests.map((request, index) =>
      contentText(request.content, `requests[${index}].content`),
    );
    return buildRequest(options.model, texts, sharedOptions(requests.map(optionsOf), 'requests[]'));
  }
  const { instances, parameters } = parseWith(predictRequestSchema, input);
  const shared = sharedOptions(instances, 'instances[]');
  return buildRequest(
    options.model,
    instances.map((instance) => instance.content),
    {
      ...shared,
      outputDimensionality: parameters?.outputDimensionality,
      autoTruncate: parameters?.autoTruncate,
    },
  );
}
