import type { ChatResult } from '../../core/chat-result.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import { candidateExtras, googleMetadata, toGeminiParts } from './build-gemini-parts.js';
import { convertToGeminiUsage } from './convert-to-gemini-usage.js';
import type { GeminiWriterOptions } from './gemini-writer-options.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields every response (and every stream chunk) carries: the served model and the request id. */
export function responseHeaderFields(
  context: GatewayContext,
  modelVersion: string,
  options: GeminiWriterOptions,
) {
  return {
    modelVersion,
    responseId: context.requestId,
    ...(options.flavor === 'vertex' && { createTime: new Date(context.receivedAt).toISOString() }),
  };
}

/**
 * Builds a `GenerateContentResponse` from a canonical result: one candidate (index 0) whose parts
 * are the text, thoughts (when asked for) and whole `functionCall`s; Gemini's finish reason;
 * `usageMetadata`; `responseId` = the Converge request id. A prompt a Google target blocked comes
 * back as Gemini does it: `promptFeedback` and no candidates.
 *
 * @example
 * buildGenerateContentResponse(result, context, options).candidates[0].content.parts // [{ text: 'Hi' }]
 */
export function buildGenerateContentResponse(
  result: ChatResult,
  context: GatewayContext,
  options: GeminiWriterOptions,
) {
  const { parts, malformedCall } = toGeminiParts(result.content, options.extras.includeThoughts);
  const finishReason = malformedCall ? 'MALFORMED_FUNCTION_CALL' : mapGeminiFinishReason(result.finishReason);
  const promptFeedback = googleMetadata(result.providerMetadata)?.['promptFeedback'];
  const promptBlocked =
    parts.length === 0 && isRecord(promptFeedback) && promptFeedback['blockReason'] != null;
  const candidate = {
    ...(parts.length > 0 && { content: { role: 'model', parts } }),
    finishReason,
    index: 0,
    ...candidateExtras(finishReason, result.providerMetadata),
  };
  return {
    ...(!promptBlocked && { candidates: [candidate] }),
    ...(promptFeedback !== undefined && promptFeedback !== null && { promptFeedback }),
    usageMetadata: convertToGeminiUsage(result.usage),
    ...responseHeaderFields(context, result.modelId, options),
  };
}
