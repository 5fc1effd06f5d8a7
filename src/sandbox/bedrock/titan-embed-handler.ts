import { z } from 'zod';
import { embeddingToNumbers, generateEmbedding } from '../engine/embedding-vector.js';
import { resolvePacing, sendAfter, totalDurationMs } from '../engine/pacing.js';
import { hashString } from '../engine/prng.js';
import { getEncoder } from '../engine/tokenizer.js';
import { sendJsonWithFault } from '../openai/inference-route.js';
import { validationError } from './bedrock-error.js';
import { admitBedrockCapacity, type BedrockCall, bedrockHeaders, statsOf } from './bedrock-route.js';
import { chooseBedrockFault } from './choose-bedrock-fault.js';
import { invokeValidationError } from './format-invoke-validation.js';
import { nonStreamFault } from './run-bedrock-model.js';

const titanEmbedSchema = z.strictObject({
  inputText: z.string().min(1),
  dimensions: z.literal([256, 512, 1024]).optional(),
  normalize: z.boolean().optional(),
  embeddingTypes: z
    .array(z.enum(['float', 'binary']))
    .min(1)
    .optional(),
});

function embeddingBody(
  text: string,
  dimensions: number,
  normalize: boolean,
  types: readonly string[],
  tokens: number,
) {
  const unit = generateEmbedding(text, 1_024, dimensions);
  // Without normalisation Titan returns raw magnitudes; a text-seeded norm keeps them deterministic.
  const scale = normalize ? 1 : 0.5 + (hashString(text) % 1000) / 100;
  const floats = embeddingToNumbers(unit.map((value) => value * scale));
  const byType: Record<string, number[]> = {};
  if (types.includes('float')) byType['float'] = floats;
  if (types.includes('binary')) byType['binary'] = floats.map((value) => (value > 0 ? 1 : 0));
  return {
    ...(types.includes('float') ? { embedding: floats } : {}),
    inputTextTokenCount: tokens,
    ...(types.length > 1 || !types.includes('float') ? { embeddingsByType: byType } : {}),
  };
}

/**
 * InvokeModel for `amazon.titan-embed-text-v2:0`: `{inputText, dimensions?, normalize?, embeddingTypes?}`
 * → `{embedding, inputTextTokenCount}` (plus `embeddingsByType` when other types are asked for).
 * Vectors come from the shared engine: texts sharing words are closer.
 * @example handleTitanEmbed(call, rawBody)
 */
export function handleTitanEmbed(call: BedrockCall, raw: unknown): void {
  const result = titanEmbedSchema.safeParse(raw);
  if (!result.success) throw invokeValidationError(result.error.issues, raw);
  const body = result.data;
  const { model } = call.target;
  const tokens = getEncoder(model.encoding).encode(body.inputText).length;
  if (tokens > model.contextWindow) {
    throw validationError(
      `400 Bad Request: Too many input tokens. Max input tokens: ${model.contextWindow}, request input token count: ${tokens} `,
    );
  }
  const fault = chooseBedrockFault(call);
  if (fault === 'handled') return;
  const jsonFault = nonStreamFault(fault);
  admitBedrockCapacity(call, tokens);
  const stats = statsOf(call);
  stats.requests++;
  stats.promptTokens += tokens;
  const json = JSON.stringify(
    embeddingBody(
      body.inputText,
      body.dimensions ?? 1_024,
      body.normalize ?? true,
      body.embeddingTypes ?? ['float'],
      tokens,
    ),
  );
  const pacing = resolvePacing(call.state.engine.options.latency, model, call.context.request.headers);
  const delayMs = totalDurationMs(pacing, 0);
  const latencyMs = Math.round(performance.now() - call.context.startedAt + delayMs);
  sendAfter(call.context.response, delayMs, () => {
    const headers = {
      ...bedrockHeaders(call.requestId),
      'x-amzn-bedrock-input-token-count': String(tokens),
      'x-amzn-bedrock-invocation-latency': String(latencyMs),
    };
    sendJsonWithFault(call.context, headers, json, jsonFault);
  });
}
