import type { ProviderMetadata, ResultPart } from '../../core/chat-result.js';
import { safeParseJson } from '../../core/safe-parse-json.js';

export type GeminiPartOut = Record<string, unknown>;

/** Candidate fields a Google target reports in its provider metadata and the dialect echoes. */
const ECHOED_CANDIDATE_FIELDS = ['safetyRatings', 'citationMetadata', 'groundingMetadata', 'finishMessage'];

/** What a blocked answer from a non-Google target reports: Gemini clients look for a blocked rating. */
const SYNTHESIZED_SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_UNSPECIFIED', probability: 'HIGH', blocked: true },
];

/** The Gemini-shaped metadata of a Gemini or Vertex target (`providerMetadata.gemini|vertex`). */
export function googleMetadata(metadata: ProviderMetadata | undefined): Record<string, unknown> | undefined {
  return metadata?.['gemini'] ?? metadata?.['vertex'];
}

/**
 * Extra candidate fields: safety ratings, citations and grounding from a Google target; for a
 * `SAFETY` finish from any other target, one synthesized blocked rating.
 */
export function candidateExtras(
  finishReason: string | undefined,
  metadata: ProviderMetadata | undefined,
): Record<string, unknown> {
  const google = googleMetadata(metadata);
  const extras: Record<string, unknown> = {};
  for (const field of ECHOED_CANDIDATE_FIELDS) {
    if (google?.[field] !== undefined && google[field] !== null) extras[field] = google[field];
  }
  if (finishReason === 'SAFETY' && extras['safetyRatings'] === undefined) {
    extras['safetyRatings'] = SYNTHESIZED_SAFETY_RATINGS;
  }
  return extras;
}

/**
 * A tool call as a whole `functionCall` part, its JSON arguments as an object. Returns undefined
 * when the arguments are not a JSON object: Gemini reports such a call as `MALFORMED_FUNCTION_CALL`
 * rather than handing the client arguments it cannot use.
 *
 * @example
 * functionCallPart('call_1', 'lookup', '{"q":"x"}') // { functionCall: { id: 'call_1', name: 'lookup', args: { q: 'x' } } }
 */
export function functionCallPart(
  toolCallId: string,
  toolName: string,
  input: string,
): GeminiPartOut | undefined {
  const parsed = safeParseJson(input.trim() === '' ? '{}' : input);
  if (
    !parsed.success ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    return undefined;
  }
  return { functionCall: { id: toolCallId, name: toolName, args: parsed.value } };
}

export interface GeminiParts {
  parts: GeminiPartOut[];
  /** A tool call had arguments that were not a JSON object, so it was left out. */
  malformedCall: boolean;
}

/**
 * Canonical result parts as Gemini parts. Reasoning is written as `thought: true` parts only when
 * the request asked for thoughts; its signature is kept either way — on the thought part, or (as
 * Gemini does when thoughts are hidden) on the next part.
 *
 * @example
 * toGeminiParts([{ type: 'text', text: 'Hi' }], false).parts // [{ text: 'Hi' }]
 */
export function toGeminiParts(content: readonly ResultPart[], includeThoughts: boolean): GeminiParts {
  const parts: GeminiPartOut[] = [];
  let pendingSignature: string | undefined;
  let malformedCall = false;
  const push = (part: GeminiPartOut) => {
    if (pendingSignature !== undefined) part['thoughtSignature'] = pendingSignature;
    pendingSignature = undefined;
    parts.push(part);
  };
  for (const part of content) {
    if (part.type === 'reasoning') {
      if (includeThoughts && part.text !== '') {
        push({ text: part.text, thought: true, ...(part.signature && { thoughtSignature: part.signature }) });
      } else if (part.signature !== undefined) pendingSignature = part.signature;
    } else if (part.type === 'text') push({ text: part.text });
    else {
      const call = functionCallPart(part.toolCallId, part.toolName, part.input);
      if (call === undefined) malformedCall = true;
      else push(call);
    }
  }
  if (pendingSignature !== undefined) push({ text: '' });
  return { parts, malformedCall };
}
