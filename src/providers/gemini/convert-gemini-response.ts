import type { ChatResult, ProviderMetadata, ResultPart } from '../../core/chat-result.js';
import type { FinishReason } from '../../core/finish-reason.js';
import type { Warning } from '../../core/warning.js';
import { generateToolCallId } from '../openai-compatible/generate-tool-call-id.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiCandidate, GeminiPart, GeminiResponse } from './gemini-api-schemas.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** Native detail a Gemini dialect may echo, always under this key (both providers speak this wire). */
export const GEMINI_METADATA_KEY = 'gemini';

/**
 * Converts a generateContent response. The first candidate is the result. `thought: true` parts are
 * reasoning; a `thoughtSignature` on any other part becomes an empty reasoning part carrying it, just
 * before that part, so the signature can be sent back on the next turn. A prompt blocked by safety
 * (no candidates, `promptFeedback.blockReason`) is a `content-filter` finish with empty content.
 *
 * @example
 * const result = convertGeminiResponse(response, { modelId: 'gemini-2.5-flash', warnings: [] });
 */
export function convertGeminiResponse(
  response: GeminiResponse,
  options: { modelId: string; warnings: Warning[] },
): ChatResult {
  const candidate = response.candidates?.[0];
  const content = convertGeminiParts(candidate?.content?.parts ?? []);
  const metadata = extractGeminiMetadata(response, candidate);
  return {
    content,
    finishReason: finishReasonOf(
      response,
      candidate,
      content.some((part) => part.type === 'tool-call'),
    ),
    usage: convertGeminiUsage(response.usageMetadata),
    warnings: options.warnings,
    modelId: response.modelVersion || options.modelId,
    ...(response.responseId ? { responseId: response.responseId } : {}),
    ...(metadata === undefined ? {} : { providerMetadata: metadata }),
  };
}

/**
 * The finish reason of a response (or of the last stream chunk): a blocked prompt is `content-filter`
 * with the block reason as raw value.
 */
export function finishReasonOf(
  response: Pick<GeminiResponse, 'promptFeedback'>,
  candidate: GeminiCandidate | undefined,
  hasToolCalls: boolean,
): FinishReason {
  const blockReason = response.promptFeedback?.blockReason;
  if (candidate?.finishReason == null && blockReason) return { unified: 'content-filter', raw: blockReason };
  return mapGeminiFinishReason(candidate?.finishReason, hasToolCalls);
}

function convertGeminiParts(parts: readonly GeminiPart[]): ResultPart[] {
  const content: ResultPart[] = [];
  for (const part of parts) {
    if (part.thought === true) {
      content.push({
        type: 'reasoning',
        text: part.text ?? '',
        ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
      });
      continue;
    }
    if (part.thoughtSignature)
      content.push({ type: 'reasoning', text: '', signature: part.thoughtSignature });
    if (part.functionCall) {
      content.push({
        type: 'tool-call',
        toolCallId: part.functionCall.id || generateToolCallId(),
        toolName: part.functionCall.name ?? '',
        input: JSON.stringify(part.functionCall.args ?? {}),
      });
    } else if (typeof part.text === 'string') {
      const last = content.at(-1);
      // Adjacent text parts are one answer split by the server; keep them one part.
      if (last?.type === 'text' && !part.thoughtSignature) last.text += part.text;
      else content.push({ type: 'text', text: part.text });
    }
  }
  return content;
}

/**
 * `providerMetadata.gemini`: safety ratings and prompt feedback (what a safety block is about), the
 * finish message, grounding and citation metadata, and Vertex's traffic type. Undefined when none.
 *
 * @example
 * extractGeminiMetadata(response, response.candidates?.[0]); // { gemini: { safetyRatings: [...] } }
 */
export function extractGeminiMetadata(
  response: GeminiResponse,
  candidate: GeminiCandidate | undefined,
): ProviderMetadata | undefined {
  const entries: Record<string, unknown> = {};
  const add = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) entries[key] = value;
  };
  add('promptFeedback', response.promptFeedback);
  add('safetyRatings', candidate?.safetyRatings);
  add('finishMessage', candidate?.finishMessage);
  add('groundingMetadata', candidate?.groundingMetadata);
  add('citationMetadata', candidate?.citationMetadata);
  add('trafficType', response.usageMetadata?.trafficType);
  return Object.keys(entries).length === 0 ? undefined : { [GEMINI_METADATA_KEY]: entries };
}
