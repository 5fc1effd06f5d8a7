import type { GeneratedChoice } from '../engine/generate-chat.js';
import type { StreamPlan } from '../engine/pacing.js';
import type { Encoder } from '../engine/tokenizer.js';
import { safetyRatings } from './gemini-safety.js';
import {
  buildBlockedPrompt,
  buildUsage,
  finishReasonOf,
  functionCallParts,
  type GeminiAnswer,
  responseTrailer,
} from './generate-content-body.js';

/** Tokens per streamed chunk: Gemini streams a few words per chunk, not one token. */
export const STREAM_CHUNK_TOKENS = 8;

/**
 * The chunks of a streamed answer, framed as SSE (`alt=sse`: `data: <json>\r\n\r\n`, no `[DONE]`) or as
 * the one JSON array `streamGenerateContent` sends without it (`[{…}\n,\r\n{…}]`). Each chunk holds only
 * new parts, `usageMetadata` with running totals, `modelVersion` and `responseId`; the last chunk of a
 * candidate carries `finishReason`. A blocked prompt is a single `promptFeedback` chunk. The streamed
 * text always concatenates to the non-streamed text (a SAFETY stop streams the part produced before it).
 *
 * @example
 * const plan = buildGeminiStreamPlan(answer, encoder, true);
 */
export function buildGeminiStreamPlan(answer: GeminiAnswer, encoder: Encoder, sse: boolean): StreamPlan {
  const chunks: Record<string, unknown>[] = [];
  if (answer.blockedPrompt !== undefined) chunks.push(buildBlockedPrompt(answer, answer.blockedPrompt));
  else {
    const running = { visible: 0, thoughts: 0 };
    answer.choices.forEach((choice, index) => {
      chunks.push(...choiceChunks(answer, choice, answer.thoughtSummaries[index], encoder, running));
    });
    const last = chunks.at(-1);
    if (last !== undefined) last['usageMetadata'] = buildUsage(answer);
  }
  const frames = chunks.map((chunk, index) => frame(JSON.stringify(chunk), index, sse));
  if (!sse) frames.push(']');
  return { frames, contentStart: 0, contentEnd: Math.max(0, chunks.length - 1) };
}

function frame(json: string, index: number, sse: boolean): string {
  if (sse) return `data: ${json}\r\n\r\n`;
  return index === 0 ? `[${json}` : `\n,\r\n${json}`;
}

/** A broken first frame, for the `malformed` fault. */
export function malformedFrame(sse: boolean): string {
  const broken = '{"candidates": [{"content": {"parts": [{"text": ';
  return sse ? `data: ${broken}\r\n\r\n` : `[${broken}`;
}

function choiceChunks(
  answer: GeminiAnswer,
  choice: GeneratedChoice,
  summary: string | undefined,
  encoder: Encoder,
  running: { visible: number; thoughts: number },
): Record<string, unknown>[] {
  running.thoughts += choice.reasoningTokens;
  const chunk = (parts: Record<string, unknown>[] | undefined, extra: Record<string, unknown> = {}) => ({
    candidates: [
      {
        ...(parts === undefined ? {} : { content: { parts, role: 'model' } }),
        ...extra,
        index: choice.index,
      },
    ],
    usageMetadata: buildUsage(answer, [running.visible, running.thoughts]),
    ...responseTrailer(answer),
  });
  const chunks: Record<string, unknown>[] = [];
  if (summary !== undefined) chunks.push(chunk([{ text: summary, thought: true }]));
  const finishReason = finishReasonOf(choice);
  const calls = functionCallParts(choice, answer.thoughtSignature);
  if (calls.length > 0) {
    running.visible += choice.completionTokens - choice.reasoningTokens;
    chunks.push(chunk(calls, { finishReason }));
    return chunks;
  }
  const pieces = encoder.decodePieces(choice.textTokens);
  const blocked = finishReason === 'SAFETY' && answer.blockedOutput !== undefined;
  for (let start = 0; start < pieces.length; start += STREAM_CHUNK_TOKENS) {
    const text = pieces.slice(start, start + STREAM_CHUNK_TOKENS).join('');
    running.visible += Math.min(STREAM_CHUNK_TOKENS, pieces.length - start);
    const last = start + STREAM_CHUNK_TOKENS >= pieces.length;
    chunks.push(chunk([{ text }], last && !blocked ? { finishReason } : {}));
  }
  if (blocked && answer.blockedOutput !== undefined) {
    chunks.push(
      chunk(undefined, { finishReason, safetyRatings: safetyRatings(answer.blockedOutput, answer.flavor) }),
    );
  } else if (pieces.length === 0) chunks.push(chunk([{ text: '' }], { finishReason }));
  return chunks;
}
