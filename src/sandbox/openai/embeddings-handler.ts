import { z } from 'zod';
import { type SandboxModel, supportsDimensions } from '../default-models.js';
import { embeddingToBase64, embeddingToNumbers, generateEmbedding } from '../engine/embedding-vector.js';
import { resolvePacing, sendAfter, totalDurationMs } from '../engine/pacing.js';
import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import { type Encoder, getEncoder } from '../engine/tokenizer.js';
import {
  admitCapacity,
  applyFault,
  type InferenceCall,
  readJsonBody,
  sendJsonWithFault,
} from './inference-route.js';
import { zodIssueToError } from './zod-issue-to-error.js';

const tokenArray = z.array(z.number().int().nonnegative());
const embeddingsRequestSchema = z.looseObject({
  // Optional here: Azure's deployment API takes the model from the path; surfaces enforce it where needed.
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).max(2048), tokenArray, z.array(tokenArray).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().nullish(),
});

const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** Normalises `input` to texts with their token counts; token-array inputs are decoded to text. */
function readInputs(
  input: z.output<typeof embeddingsRequestSchema>['input'],
  encoder: Encoder,
): { text: string; tokens: number }[] {
  const list: (string | number[])[] =
    typeof input === 'string'
      ? [input]
      : input.length > 0 && typeof input[0] === 'number'
        ? [input as number[]]
        : (input as (string | number[])[]);
  if (list.length === 0) throw invalidRequest(INVALID_INPUT, null);
  return list.map((entry) => {
    if (typeof entry === 'string') {
      if (entry === '') throw invalidRequest(INVALID_INPUT, null);
      return { text: entry, tokens: encoder.encode(entry).length };
    }
    if (entry.length === 0) throw invalidRequest(INVALID_INPUT, null);
    try {
      return { text: encoder.decode(entry), tokens: entry.length };
    } catch {
      throw invalidRequest(INVALID_INPUT, null);
    }
  });
}

interface EmbeddingsRequest {
  inputs: { text: string; tokens: number }[];
  dimensions: number | undefined;
  base64: boolean;
}

/** Validates an embeddings body for `model`, as the real API refuses it. */
function parseEmbeddingsRequest(raw: unknown, model: SandboxModel): EmbeddingsRequest {
  const parsed = embeddingsRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw issue ? zodIssueToError(issue, raw) : invalidRequest(INVALID_INPUT, null);
  }
  const body = parsed.data;
  const dimensions = body.dimensions ?? undefined;
  if (dimensions !== undefined && !supportsDimensions(model)) {
    throw invalidRequest('This model does not support specifying dimensions.', 'dimensions');
  }
  if (dimensions !== undefined && dimensions > model.embeddingDimensions) {
    throw invalidRequest(
      `Invalid 'dimensions': integer above maximum value. Expected a value <= ${model.embeddingDimensions}, but got ${dimensions} instead.`,
      'dimensions',
      'integer_above_max_value',
    );
  }
  const inputs = readInputs(body.input, getEncoder(model.encoding));
  const tooLong = inputs.find((input) => input.tokens > model.contextWindow);
  if (tooLong) {
    throw invalidRequest(
      `This model's maximum context length is ${model.contextWindow + 1} tokens, however you requested ${tooLong.tokens} tokens (${tooLong.tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
      null,
    );
  }
  return { inputs, dimensions, base64: body.encoding_format === 'base64' };
}

/**
 * `POST …/embeddings`: deterministic unit vectors per input text, `dimensions` for text-embedding-3-*,
 * float or base64 (little-endian float32) encoding, usage counted with the model's real tokenizer.
 */
export async function handleEmbeddings(call: InferenceCall): Promise<void> {
  const { context, surface, engine } = call;
  const raw = await readJsonBody(context);
  const target = surface.resolveTarget(context, (raw as { model?: unknown } | null)?.model, call.key);
  call.target = target;
  const model = target.model;
  if (model.kind !== 'embedding') {
    throw new SandboxError({ kind: 'wrong_operation', operation: 'embeddings', model: model.id });
  }
  const request = parseEmbeddingsRequest(raw, model);
  const fault = applyFault(call, target);
  if (fault === 'handled') return;
  const promptTokens = request.inputs.reduce((sum, input) => sum + input.tokens, 0);
  const decision = admitCapacity(call, target, promptTokens);
  const stats = engine.stats.target(surface.provider, target.name);
  stats.requests++;
  stats.promptTokens += promptTokens;
  const data = request.inputs.map((input, index) => {
    const vector = generateEmbedding(input.text, model.embeddingDimensions, request.dimensions);
    return {
      object: 'embedding',
      index,
      embedding: request.base64 ? embeddingToBase64(vector) : embeddingToNumbers(vector),
    };
  });
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  const json = JSON.stringify({ object: 'list', data, model: model.snapshot, usage });
  const pacing = resolvePacing(engine.options.latency, model, context.request.headers);
  sendAfter(context.response, totalDurationMs(pacing, 0), () => {
    const headers = {
      ...surface.baseHeaders(context, target),
      ...surface.rateLimitHeaders(target, decision),
    };
    sendJsonWithFault(context, headers, json, fault);
  });
}
