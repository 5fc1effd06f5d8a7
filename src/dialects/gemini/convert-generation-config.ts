import type { ChatRequest, ResponseFormat } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import { convertOpenApiSchema } from './convert-openapi-schema.js';
import type { GeminiRequestExtras } from './gemini-request-extras.js';
import type { GenerationConfig } from './gemini-request-schemas.js';

const CONSUMED_FIELDS = new Set([
  'temperature',
  'topP',
  'topK',
  'candidateCount',
  'maxOutputTokens',
  'stopSequences',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
]);

type Effort = NonNullable<ChatRequest['reasoningEffort']>;
const EFFORTS = new Set<string>(['minimal', 'low', 'medium', 'high']);

/**
 * `thinkingLevel` names an effort directly; a `thinkingBudget` maps by size (0 = off → minimal,
 * ≤1024 low, ≤8192 medium, more high); -1 (dynamic) leaves the target's default.
 *
 * @example
 * toReasoningEffort({ thinkingBudget: 4096 }) // 'medium'
 */
export function toReasoningEffort(thinking: GenerationConfig['thinkingConfig']): Effort | undefined {
  const level = thinking?.thinkingLevel?.toLowerCase();
  if (level !== undefined && EFFORTS.has(level)) return level as Effort;
  const budget = thinking?.thinkingBudget;
  if (budget === undefined || budget === null || budget < 0) return undefined;
  if (budget === 0) return 'minimal';
  if (budget <= 1024) return 'low';
  return budget <= 8192 ? 'medium' : 'high';
}

function toResponseFormat(config: GenerationConfig, extras: GeminiRequestExtras): ResponseFormat | undefined {
  const mimeType = config.responseMimeType ?? undefined;
  // `text/x.enum` answers with one bare enum value, which no canonical format expresses.
  if (mimeType === 'text/x.enum') {
    extras.googleOnlySettings.push('generationConfig.responseMimeType');
    return undefined;
  }
  const schema: JsonSchema | undefined =
    (config.responseJsonSchema as JsonSchema | null | undefined) ??
    (config.responseSchema ? convertOpenApiSchema(config.responseSchema) : undefined);
  if (schema !== undefined) return { type: 'json-schema', name: 'response', schema };
  if (mimeType === 'application/json') return { type: 'json' };
  if (mimeType !== undefined && mimeType !== 'text/plain') {
    extras.googleOnlySettings.push('generationConfig.responseMimeType');
  }
  return undefined;
}

function applySampling(request: ChatRequest, config: GenerationConfig): void {
  if (config.temperature != null) request.temperature = config.temperature;
  if (config.topP != null) request.topP = config.topP;
  if (config.topK != null) request.topK = config.topK;
  if (config.maxOutputTokens != null) request.maxOutputTokens = config.maxOutputTokens;
  if (config.stopSequences != null && config.stopSequences.length > 0) {
    request.stopSequences = config.stopSequences;
  }
  if (config.presencePenalty != null) request.presencePenalty = config.presencePenalty;
  if (config.frequencyPenalty != null) request.frequencyPenalty = config.frequencyPenalty;
  if (config.seed != null) request.seed = config.seed;
}

/**
 * Applies `generationConfig` to the request. Fields without a canonical home (responseModalities,
 * speechConfig, mediaResolution, logprobs …) and the exact `thinkingConfig` go to
 * `providerOptions.gemini.generationConfig` (`passthrough`), for Google targets.
 */
export function applyGenerationConfig(
  request: ChatRequest,
  config: GenerationConfig,
  passthrough: Record<string, unknown>,
  extras: GeminiRequestExtras,
): void {
  if (config.candidateCount != null && config.candidateCount !== 1) {
    throw new GatewayError(
      'unsupported_parameter',
      `Unsupported value: 'generationConfig.candidateCount' must be 1; the gateway returns one candidate.`,
      { param: 'generationConfig.candidateCount' },
    );
  }
  applySampling(request, config);
  const responseFormat = toResponseFormat(config, extras);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  const effort = toReasoningEffort(config.thinkingConfig);
  if (effort !== undefined) request.reasoningEffort = effort;
  extras.includeThoughts = config.thinkingConfig?.includeThoughts === true;

  const generation: Record<string, unknown> = {};
  if (config.thinkingConfig != null) generation['thinkingConfig'] = config.thinkingConfig;
  if (extras.googleOnlySettings.includes('generationConfig.responseMimeType')) {
    generation['responseMimeType'] = config.responseMimeType;
    if (config.responseSchema != null) generation['responseSchema'] = config.responseSchema;
  }
  for (const [key, value] of Object.entries(config)) {
    if (CONSUMED_FIELDS.has(key) || value === null || value === undefined) continue;
    generation[key] = value;
    extras.googleOnlySettings.push(`generationConfig.${key}`);
  }
  if (Object.keys(generation).length > 0) passthrough['generationConfig'] = generation;
}
