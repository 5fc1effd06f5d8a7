import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { convertGeminiSchema } from './convert-gemini-schema.js';
import { convertGeminiThinking } from './convert-gemini-thinking.js';
import { convertToGeminiContents, type GeminiContent } from './convert-to-gemini-contents.js';

export interface GeminiRequestOptions {
  /** `gemini` or `vertex`: which `providerOptions` entries apply (Vertex reads `gemini` too). */
  providerType: 'gemini' | 'vertex';
}

export type GeminiRequestBody = { contents: GeminiContent[] } & Record<string, unknown>;

// Gemini's documented limit; more are refused with 400.
const MAX_STOP_SEQUENCES = 5;
// The converter owns these; providerOptions may not replace them.
const RESERVED_KEYS = new Set(['contents', 'model']);
// Vertex label rules: lower-case keys starting with a letter, values of the same alphabet, ≤ 63 chars.
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/**
 * Converts a canonical request into a generateContent body (shared by the Gemini API and Vertex AI):
 * `contents` + `systemInstruction`, `tools` as function declarations with schemas converted to the
 * OpenAPI subset, `toolConfig`, sampling in `generationConfig`, JSON output as `responseMimeType` +
 * `responseSchema`, and `reasoningEffort` as `thinkingConfig`. `providerOptions.gemini` (and, on
 * Vertex, `providerOptions.vertex`) are merged last: `generationConfig` key by key, the rest top-level
 * (`safetySettings`, `cachedContent`, `labels` …).
 *
 * @example
 * const { body, warnings } = convertToGeminiRequest(request, 'gemini-2.5-flash', { providerType: 'gemini' });
 */
export function convertToGeminiRequest(
  request: ChatRequest,
  modelId: string,
  options: GeminiRequestOptions,
): { body: GeminiRequestBody; warnings: Warning[] } {
  const { contents, systemInstruction, warnings } = convertToGeminiContents(request.messages);
  const body: GeminiRequestBody = { contents };
  if (systemInstruction !== undefined) body['systemInstruction'] = systemInstruction;
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = [{ functionDeclarations: request.tools.map((tool) => convertTool(tool, warnings)) }];
    const toolConfig = convertToolChoice(request.toolChoice);
    if (toolConfig !== undefined) body['toolConfig'] = toolConfig;
    if (request.parallelToolCalls === false)
      warnings.push(unsupported('parallelToolCalls', 'Gemini cannot forbid parallel function calls'));
  } else if (request.toolChoice !== undefined && request.toolChoice.type !== 'auto') {
    warnings.push(unsupported('toolChoice', 'no tools were given'));
  }
  const generationConfig = convertGenerationConfig(request, modelId, warnings);
  if (Object.keys(generationConfig).length > 0) body['generationConfig'] = generationConfig;
  if (request.user !== undefined) warnings.push(unsupported('user', 'Gemini has no end-user field'));
  setLabels(body, request.metadata, options, warnings);
  return { body: mergeProviderOptions(body, request.providerOptions, options, warnings), warnings };
}

function unsupported(setting: string, details: string): Warning {
  return { type: 'unsupported-setting', setting, details: `${details}; not sent` };
}

function convertTool(tool: ToolDefinition, warnings: Warning[]): Record<string, unknown> {
  const { schema, warnings: schemaWarnings } = convertGeminiSchema(
    tool.inputSchema,
    `tools.${tool.name}.inputSchema`,
  );
  warnings.push(...schemaWarnings);
  if (tool.strict === true)
    warnings.push(unsupported(`tools.${tool.name}.strict`, 'Gemini has no strict function-calling mode'));
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    // A function without parameters omits them: Gemini refuses an OBJECT with empty properties.
    ...(schema === undefined ? {} : { parameters: schema }),
  };
}

function convertToolChoice(choice: ToolChoice | undefined): Record<string, unknown> | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.toolName] } };
  }
}

function convertGenerationConfig(
  request: ChatRequest,
  modelId: string,
  warnings: Warning[],
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) config[key] = value;
  };
  set('maxOutputTokens', request.maxOutputTokens);
  set('temperature', request.temperature);
  set('topP', request.topP);
  set('topK', request.topK);
  set('presencePenalty', request.presencePenalty);
  set('frequencyPenalty', request.frequencyPenalty);
  set('seed', request.seed);
  const stops = request.stopSequences ?? [];
  if (stops.length > MAX_STOP_SEQUENCES) {
    warnings.push({
      type: 'clamped-setting',
      setting: 'stopSequences',
      from: stops.length,
      to: MAX_STOP_SEQUENCES,
    });
  }
  if (stops.length > 0) config['stopSequences'] = stops.slice(0, MAX_STOP_SEQUENCES);
  Object.assign(config, convertResponseFormat(request.responseFormat, warnings));
  const thinking = convertGeminiThinking(modelId, request.reasoningEffort);
  warnings.push(...thinking.warnings);
  set('thinkingConfig', thinking.thinkingConfig);
  return config;
}

function convertResponseFormat(
  format: ResponseFormat | undefined,
  warnings: Warning[],
): Record<string, unknown> {
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json') return { responseMimeType: 'application/json' };
  const { schema, warnings: schemaWarnings } = convertGeminiSchema(format.schema, 'responseFormat.schema');
  warnings.push(...schemaWarnings);
  if (format.strict === true)
    warnings.push(unsupported('responseFormat.strict', 'Gemini has no strict structured-output mode'));
  return {
    responseMimeType: 'application/json',
    ...(schema === undefined ? {} : { responseSchema: schema }),
  };
}

/** Vertex bills and filters by `labels`; metadata becomes labels when it fits their rules. */
function setLabels(
  body: GeminiRequestBody,
  metadata: Record<string, string> | undefined,
  options: GeminiRequestOptions,
  warnings: Warning[],
): void {
  if (metadata === undefined || Object.keys(metadata).length === 0) return;
  const entries = Object.entries(metadata);
  if (options.providerType !== 'vertex') {
    warnings.push(unsupported('metadata', 'the Gemini API has no request metadata'));
  } else if (!entries.every(([key, value]) => LABEL_KEY.test(key) && LABEL_VALUE.test(value))) {
    warnings.push(
      unsupported('metadata', 'Vertex labels need lower-case keys and values of [a-z0-9_-], ≤ 63 chars'),
    );
  } else body['labels'] = Object.fromEntries(entries);
}

function mergeProviderOptions(
  body: GeminiRequestBody,
  providerOptions: ChatRequest['providerOptions'],
  options: GeminiRequestOptions,
  warnings: Warning[],
): GeminiRequestBody {
  const layers = options.providerType === 'vertex' ? ['gemini', 'vertex'] : ['gemini'];
  let merged = body;
  for (const layer of layers) {
    const extra = providerOptions?.[layer];
    if (extra === undefined) continue;
    merged = { ...merged };
    for (const [key, value] of Object.entries(extra)) {
      // Assigning `__proto__` would set the body's prototype: a parsed JSON key must never do that.
      if (key === '__proto__') continue;
      if (RESERVED_KEYS.has(key)) {
        warnings.push({ type: 'unsupported-setting', setting: `providerOptions.${layer}.${key}` });
      } else if (key === 'generationConfig' && isRecord(value)) {
        merged['generationConfig'] = { ...asRecord(merged['generationConfig']), ...value };
      } else merged[key] = value;
    }
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
