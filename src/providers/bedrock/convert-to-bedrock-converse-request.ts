import type { ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { bedrockBaseModelId, bedrockModelFamily } from './bedrock-model-family.js';
import {
  type BedrockMessage,
  type BedrockSystemBlock,
  convertToBedrockMessages,
} from './convert-bedrock-messages.js';
import { type BedrockThinking, convertBedrockReasoning } from './convert-bedrock-reasoning.js';
import {
  type BedrockToolConfig,
  convertBedrockTools,
  type JsonResponseTool,
} from './convert-bedrock-tools.js';

export interface BedrockConverseBody {
  messages: BedrockMessage[];
  system?: BedrockSystemBlock[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: BedrockToolConfig;
  additionalModelRequestFields?: Record<string, unknown>;
  requestMetadata?: Record<string, unknown>;
  [passthrough: string]: unknown;
}

export interface BedrockConverseRequest {
  body: BedrockConverseBody;
  warnings: Warning[];
  /** Set when `responseFormat` is emulated with a tool: its call is the answer text. */
  jsonResponseTool: JsonResponseTool | undefined;
}

/** Vendors whose Converse models take `cachePoint`, `toolResult.status` and a forced tool choice. */
const CACHING_FAMILIES = new Set(['anthropic', 'amazon']);
const TOOL_STATUS_FAMILIES = new Set(['anthropic', 'amazon']);
const FORCED_CHOICE_FAMILIES = new Set(['anthropic', 'amazon', 'mistral']);

/** `providerOptions.bedrock` keys copied into the body as they are. */
const PASSTHROUGH_KEYS = new Set([
  'guardrailConfig',
  'performanceConfig',
  'promptVariables',
  'additionalModelResponseFieldPaths',
  'outputConfig',
]);

/**
 * Converts a canonical request into a Converse / ConverseStream body (the model id goes in the URL).
 * Vendor differences are keyed on the model family in the id; an id that names no model (an
 * application inference profile ARN) is given the benefit of the doubt: Claude-like behaviour,
 * no vendor fields. Everything not honoured is a warning.
 *
 * @example
 * const { body, warnings, jsonResponseTool } = convertToBedrockConverseRequest(request, 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
 */
export function convertToBedrockConverseRequest(
  request: ChatRequest,
  modelId: string,
): BedrockConverseRequest {
  const warnings: Warning[] = [];
  const family = bedrockModelFamily(modelId);
  const has = (families: Set<string>) => family === undefined || families.has(family);
  const conversation = convertToBedrockMessages(
    request.messages,
    { supportsCachePoints: has(CACHING_FAMILIES), supportsToolResultStatus: has(TOOL_STATUS_FAMILIES) },
    warnings,
  );
  const tools = convertBedrockTools(
    request,
    { supportsForcedToolChoice: has(FORCED_CHOICE_FAMILIES), hasToolBlocks: conversation.hasToolBlocks },
    warnings,
  );
  const thinking = convertBedrockReasoning(request, modelId, tools.forcesToolUse, warnings);
  const body: BedrockConverseBody = { messages: conversation.messages };
  if (conversation.system.length > 0) body.system = conversation.system;
  const inferenceConfig = convertInferenceConfig(request, thinking, warnings);
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  if (tools.toolConfig !== undefined) body.toolConfig = tools.toolConfig;
  const additional = convertAdditionalFields(request, modelId, thinking, warnings);
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  if (request.metadata !== undefined) body.requestMetadata = { ...request.metadata };
  for (const setting of ['seed', 'frequencyPenalty', 'presencePenalty', 'user'] as const) {
    if (request[setting] !== undefined) {
      warnings.push({
        type: 'unsupported-setting',
        setting,
        details: 'Converse has no such setting; not sent',
      });
    }
  }
  mergeProviderOptions(body, request.providerOptions?.['bedrock'], warnings);
  return { body, warnings, jsonResponseTool: tools.jsonResponseTool };
}

function convertInferenceConfig(
  request: ChatRequest,
  thinking: BedrockThinking | undefined,
  warnings: Warning[],
): NonNullable<BedrockConverseBody['inferenceConfig']> {
  const config: NonNullable<BedrockConverseBody['inferenceConfig']> = {};
  const maxTokens = thinking?.maxTokens ?? request.maxOutputTokens;
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  const withThinking = (setting: string) =>
    warnings.push({
      type: 'unsupported-setting',
      setting,
      details: 'Claude does not take it while thinking',
    });
  if (request.temperature !== undefined) {
    if (thinking === undefined) config.temperature = request.temperature;
    else withThinking('temperature');
  }
  if (request.topP !== undefined) {
    // Thinking allows top_p only between 0.95 and 1.
    if (thinking === undefined || request.topP >= 0.95) config.topP = request.topP;
    else withThinking('topP');
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    config.stopSequences = request.stopSequences;
  }
  return config;
}

/** Model-native fields: `top_k` where the vendor has it, and Claude's `thinking`. */
function convertAdditionalFields(
  request: ChatRequest,
  modelId: string,
  thinking: BedrockThinking | undefined,
  warnings: Warning[],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (thinking !== undefined) fields['thinking'] = thinking.thinking;
  if (request.topK === undefined) return fields;
  const family = bedrockModelFamily(modelId);
  if (thinking !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'topK',
      details: 'Claude does not take it while thinking',
    });
  } else if (family === 'anthropic' || family === 'mistral') {
    fields['top_k'] = request.topK;
  } else if (bedrockBaseModelId(modelId).startsWith('amazon.nova')) {
    fields['inferenceConfig'] = { topK: request.topK };
  } else {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'topK',
      details:
        'sent only to Claude, Mistral and Nova models (use providerOptions.bedrock.additionalModelRequestFields)',
    });
  }
  return fields;
}

/**
 * `providerOptions.bedrock`: Converse fields with no canonical form pass through; `serviceTier` may
 * be a bare string; `additionalModelRequestFields` and `requestMetadata` are merged over what the
 * converter set (the caller's values win). Unknown keys are warned about, not sent.
 */
function mergeProviderOptions(
  body: BedrockConverseBody,
  options: Record<string, unknown> | undefined,
  warnings: Warning[],
): void {
  if (options === undefined) return;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (PASSTHROUGH_KEYS.has(key)) body[key] = value;
    else if (key === 'serviceTier') body[key] = typeof value === 'string' ? { type: value } : value;
    else if (key === 'additionalModelRequestFields' || key === 'requestMetadata') {
      body[key] = { ...body[key], ...asRecord(value) };
    } else {
      warnings.push({ type: 'unsupported-setting', setting: `providerOptions.bedrock.${key}` });
    }
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
