import { safeParseJson } from '../../core/safe-parse-json.js';
import type { FilterCategory } from '../engine/content-markers.js';
import type { ChatFinishReason, GeneratedChoice } from '../engine/generate-chat.js';
import { safetyRatings } from './gemini-safety.js';
import type { GoogleFlavor } from './google-call.js';

/** Everything one generateContent answer is made of, before it is shaped as JSON, SSE or a JSON array. */
export interface GeminiAnswer {
  flavor: GoogleFlavor;
  responseId: string;
  modelVersion: string;
  /** Vertex only: RFC 3339 time of the request. */
  createTime: string;
  choices: readonly GeneratedChoice[];
  /** A thought summary per choice (`includeThoughts`), or undefined. */
  thoughtSummaries: readonly (string | undefined)[];
  /** A `thoughtSignature` for the first function call of each choice of a thinking model. */
  thoughtSignature: string | undefined;
  promptTokens: number;
  cachedTokens: number;
  blockedPrompt: FilterCategory | undefined;
  blockedOutput: FilterCategory | undefined;
  /** Vertex `trafficType`: `ON_DEMAND` or `PROVISIONED_THROUGHPUT`. */
  trafficType: string;
}

const FINISH_REASONS: Record<ChatFinishReason, string> = {
  stop: 'STOP',
  // Gemini has no tool-specific reason: a function call ends with STOP.
  tool_calls: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

export function finishReasonOf(choice: GeneratedChoice): string {
  return FINISH_REASONS[choice.finishReason];
}

/** Function-call parts; a call whose arguments the token cap cut (not valid JSON) is left out. */
export function functionCallParts(
  choice: GeneratedChoice,
  signature: string | undefined,
): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  for (const call of choice.toolCalls) {
    const args = safeParseJson(call.arguments);
    if (!args.success || typeof args.value !== 'object' || args.value === null) continue;
    const part: Record<string, unknown> = { functionCall: { name: call.name, args: args.value } };
    if (parts.length === 0 && signature !== undefined) part['thoughtSignature'] = signature;
    parts.push(part);
  }
  return parts;
}

/**
 * `usageMetadata`: `candidatesTokenCount` excludes thinking, `totalTokenCount` = prompt + candidates +
 * thoughts, zero-valued optional counts are omitted (proto3 JSON). `outputSoFar` gives a stream's
 * running counts: `[visible, thoughts]` tokens produced up to the chunk.
 */
export function buildUsage(
  answer: GeminiAnswer,
  outputSoFar?: readonly [number, number],
): Record<string, unknown> {
  let visible = 0;
  let thoughts = 0;
  for (const choice of answer.choices) {
    visible += choice.completionTokens - choice.reasoningTokens;
    thoughts += choice.reasoningTokens;
  }
  if (outputSoFar !== undefined) [visible, thoughts] = outputSoFar;
  const usage: Record<string, unknown> = { promptTokenCount: answer.promptTokens };
  if (visible > 0) usage['candidatesTokenCount'] = visible;
  usage['totalTokenCount'] = answer.promptTokens + visible + thoughts;
  if (answer.cachedTokens > 0) usage['cachedContentTokenCount'] = answer.cachedTokens;
  if (thoughts > 0) usage['thoughtsTokenCount'] = thoughts;
  usage['promptTokensDetails'] = [{ modality: 'TEXT', tokenCount: answer.promptTokens }];
  if (answer.cachedTokens > 0)
    usage['cacheTokensDetails'] = [{ modality: 'TEXT', tokenCount: answer.cachedTokens }];
  if (visible > 0) usage['candidatesTokensDetails'] = [{ modality: 'TEXT', tokenCount: visible }];
  if (answer.flavor === 'vertex') usage['trafficType'] = answer.trafficType;
  return usage;
}

/** The fields every answer (and every stream chunk) ends with. */
export function responseTrailer(answer: GeminiAnswer): Record<string, unknown> {
  return {
    modelVersion: answer.modelVersion,
    ...(answer.flavor === 'vertex' ? { createTime: answer.createTime } : {}),
    responseId: answer.responseId,
  };
}

/** A blocked prompt: HTTP 200, no candidates, `promptFeedback.blockReason`. */
export function buildBlockedPrompt(answer: GeminiAnswer, category: FilterCategory): Record<string, unknown> {
  return {
    promptFeedback: { blockReason: 'SAFETY', safetyRatings: safetyRatings(category, answer.flavor) },
    usageMetadata: buildUsage(answer, [0, 0]),
    ...responseTrailer(answer),
  };
}

/**
 * The non-streamed `GenerateContentResponse`. A candidate stopped for SAFETY carries its ratings and no
 * content, as Google returns it.
 */
export function buildGenerateResponse(answer: GeminiAnswer): Record<string, unknown> {
  if (answer.blockedPrompt !== undefined) return buildBlockedPrompt(answer, answer.blockedPrompt);
  const candidates = answer.choices.map((choice, index) => {
    const finishReason = finishReasonOf(choice);
    if (finishReason === 'SAFETY' && answer.blockedOutput !== undefined) {
      return {
        finishReason,
        index: choice.index,
        safetyRatings: safetyRatings(answer.blockedOutput, answer.flavor),
      };
    }
    const parts: Record<string, unknown>[] = [];
    const summary = answer.thoughtSummaries[index];
    if (summary !== undefined) parts.push({ text: summary, thought: true });
    if (choice.text !== null && choice.text !== '') parts.push({ text: choice.text });
    parts.push(...functionCallParts(choice, answer.thoughtSignature));
    return {
      content: { role: 'model', ...(parts.length > 0 ? { parts } : {}) },
      finishReason,
      index: choice.index,
    };
  });
  return { candidates, usageMetadata: buildUsage(answer), ...responseTrailer(answer) };
}
