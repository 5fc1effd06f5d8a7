import type { ContentMarkers } from '../engine/content-markers.js';
import type {
  ChatGenerationInput,
  ChatResponseFormat,
  ChatTool,
  ChatToolChoice,
} from '../engine/generate-chat.js';
import { isJsonSchema } from '../engine/json-schema-value.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import type { GenerateRequestBody, GenerationConfigBody } from './gemini-request-schema.js';
import { generateRequestSchema } from './gemini-request-schema.js';
import type { GeminiSandboxModel } from './gemini-sandbox-options.js';
import { fieldError, parseGoogleBody } from './google-field-error.js';
import { openApiToJsonSchema } from './openapi-to-json-schema.js';
import { type GeminiPrompt, readGeminiPrompt } from './read-gemini-prompt.js';

const REQUEST = 'GenerateContentRequest';
const MIME_TYPES = new Set([
  'text/plain',
  'application/json',
  'application/xml',
  'application/yaml',
  'text/x.enum',
]);

export type Effort = NonNullable<ChatGenerationInput['reasoningEffort']>;

export interface ParsedGenerate {
  generation: ChatGenerationInput;
  prompt: GeminiPrompt;
  /** `maxOutputTokens` as requested; the TPM cost uses it. */
  requestedMaxTokens: number | undefined;
  /** `thinkingConfig.includeThoughts`: answer with a thought summary part first. */
  includeThoughts: boolean;
}

/**
 * Validates a generateContent body for `model` and normalises it for the engine: tools and
 * `functionCallingConfig`, JSON output (`responseMimeType` + `responseSchema`/`responseJsonSchema`),
 * thinking (`thinkingBudget`/`thinkingLevel` → effort), limits. Throws Google-worded 400s.
 *
 * @example
 * const parsed = parseGenerateContent(body, model, markers);
 */
export function parseGenerateContent(
  raw: unknown,
  model: GeminiSandboxModel,
  markers: ContentMarkers,
): ParsedGenerate {
  const body = parseGoogleBody(generateRequestSchema, raw, REQUEST);
  const config = body.generationConfig ?? {};
  const encoder = getEncoder('o200k_base');
  const prompt = readGeminiPrompt(body, encoder, markers, REQUEST);
  const toolChoice = readToolChoice(body, prompt.tools);
  const responseFormat = readResponseFormat(config);
  const effort = readThinking(config, model);
  const cap = config.maxOutputTokens;
  if (cap !== undefined && cap > model.maxOutputTokens) {
    throw invalidRequest(
      `Unable to submit request because it has a maxOutputTokens value of ${cap} but the supported range is from 1 (inclusive) to ${model.maxOutputTokens + 1} (exclusive). Update the value and try again.`,
      'generation_config.max_output_tokens',
    );
  }
  if (prompt.tokens > model.contextWindow) {
    throw invalidRequest(
      `The input token count (${prompt.tokens}) exceeds the maximum number of tokens allowed (${model.contextWindow}).`,
      'contents',
    );
  }
  const seed = prompt.seed
    .update(model.id)
    .update(JSON.stringify(toolChoice))
    .update(JSON.stringify(responseFormat));
  if (config.seed !== undefined) seed.updateNumber(config.seed);
  const generation: ChatGenerationInput = {
    seed: seed.digest(),
    encoder,
    // Marker words must never be echoed back, or the next turn would trip the filter on our own output.
    lastUserText: prompt.lastUserText
      .replaceAll(markers.promptMarker, ' ')
      .replaceAll(markers.outputMarker, ' '),
    toolResults: prompt.toolResults,
    tools: toolChoice === 'none' ? [] : prompt.tools,
    toolChoice,
    parallelToolCalls: true,
    responseFormat,
    maxOutputTokens: cap,
    stop: config.stopSequences ?? [],
    choiceCount: config.candidateCount ?? 1,
    reasoningEffort: effort,
    filterOutput: prompt.markers.blockOutput !== undefined,
  };
  return {
    generation,
    prompt,
    requestedMaxTokens: cap,
    includeThoughts: effort !== undefined && config.thinkingConfig?.includeThoughts === true,
  };
}

/** `functionCallingConfig`: AUTO (the default), ANY (optionally restricted), NONE. */
function readToolChoice(body: GenerateRequestBody, tools: readonly ChatTool[]): ChatToolChoice {
  const config = body.toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'AUTO';
  const allowed = config?.allowedFunctionNames ?? [];
  if (allowed.length > 0 && mode !== 'ANY') {
    throw fieldError(
      REQUEST,
      ['toolConfig', 'functionCallingConfig', 'allowedFunctionNames'],
      'allowed_function_names may only be set when mode is ANY.',
    );
  }
  for (const name of allowed) {
    if (!tools.some((tool) => tool.name === name)) {
      throw fieldError(
        REQUEST,
        ['toolConfig', 'functionCallingConfig', 'allowedFunctionNames'],
        `function ${name} is not declared in tools.`,
      );
    }
  }
  if (mode === 'NONE') return 'none';
  if (mode !== 'ANY') return 'auto';
  const first = allowed[0];
  return allowed.length === 1 && first !== undefined ? { name: first } : 'required';
}

function readResponseFormat(config: GenerationConfigBody): ChatResponseFormat {
  const mimeType = config.responseMimeType ?? 'text/plain';
  if (!MIME_TYPES.has(mimeType)) {
    throw fieldError(
      REQUEST,
      ['generationConfig', 'responseMimeType'],
      'allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.',
    );
  }
  const schema = isJsonSchema(config.responseJsonSchema)
    ? config.responseJsonSchema
    : config.responseSchema === undefined
      ? undefined
      : openApiToJsonSchema(config.responseSchema);
  const json = mimeType === 'application/json' || mimeType === 'text/x.enum';
  if (schema !== undefined && !json) {
    throw fieldError(
      REQUEST,
      ['generationConfig', config.responseSchema === undefined ? 'responseJsonSchema' : 'responseSchema'],
      'response_mime_type must be application/json or text/x.enum when a response schema is set.',
    );
  }
  if (!json) return { type: 'text' };
  return schema === undefined ? { type: 'json_object' } : { type: 'json_schema', schema };
}

/**
 * Thinking models think by default (dynamic budget ≈ medium effort); `thinkingBudget: 0` switches it
 * off where the model allows it; a budget maps to an effort by size; `thinkingLevel` names one.
 */
function readThinking(config: GenerationConfigBody, model: GeminiSandboxModel): Effort | undefined {
  const thinking = config.thinkingConfig;
  const path = ['generationConfig', 'thinkingConfig'];
  if (model.thinking === 'none') {
    if (thinking?.thinkingBudget !== undefined && thinking.thinkingBudget !== 0)
      throw fieldError(REQUEST, [...path, 'thinkingBudget'], 'Thinking is not supported by this model.');
    return undefined;
  }
  const budget = thinking?.thinkingBudget;
  if (thinking?.thinkingLevel !== undefined) return levelEffort(thinking.thinkingLevel, path);
  if (budget === undefined || budget === -1) return 'medium';
  if (budget === 0 && model.thinking === 'required')
    throw fieldError(
      REQUEST,
      [...path, 'thinkingBudget'],
      'Budget 0 is invalid. This model only works in thinking mode.',
    );
  const minimum = model.thinking === 'required' ? 128 : 0;
  if (budget < minimum || budget > model.maxThinkingBudget) {
    throw fieldError(
      REQUEST,
      [...path, 'thinkingBudget'],
      `The thinking budget ${budget} is invalid. Please choose a value between ${minimum} and ${model.maxThinkingBudget}.`,
    );
  }
  if (budget === 0) return undefined;
  return budget <= 256 ? 'minimal' : budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

function levelEffort(level: string, path: string[]): Effort {
  const normalised = level.toLowerCase();
  if (normalised === 'minimal' || normalised === 'low' || normalised === 'medium' || normalised === 'high')
    return normalised;
  throw fieldError(REQUEST, [...path, 'thinkingLevel'], `unknown thinking level ${level}.`);
}
