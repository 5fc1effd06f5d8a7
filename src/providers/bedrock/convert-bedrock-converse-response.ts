import type { ChatResult, ResultPart } from '../../core/chat-result.js';
import type { Warning } from '../../core/warning.js';
import { generateToolCallId } from '../openai-compatible/generate-tool-call-id.js';
import type {
  BedrockConverseResponse,
  BedrockResponseContentBlock,
  BedrockStreamMetadata,
} from './bedrock-api-schemas.js';
import type { JsonResponseTool } from './convert-bedrock-tools.js';
import { convertBedrockUsage } from './convert-bedrock-usage.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';

export interface ConvertBedrockConverseResponseOptions {
  /** The model id asked for; a prompt router's `invokedModelId` replaces it. */
  modelId: string;
  warnings: Warning[];
  jsonResponseTool: JsonResponseTool | undefined;
  /** `x-amzn-requestid`. */
  responseId: string | undefined;
}

/**
 * Converts a Converse answer to a `ChatResult`: text, reasoning (with its signature, or redacted),
 * tool calls (`input` object → JSON text) and, for emulated JSON mode, the answer tool's input as
 * text. Guardrail traces, extra model fields, service tier and latency go to
 * `providerMetadata.bedrock`.
 *
 * @example
 * const result = convertBedrockConverseResponse(response, { modelId, warnings: [], jsonResponseTool: undefined, responseId });
 */
export function convertBedrockConverseResponse(
  response: BedrockConverseResponse,
  options: ConvertBedrockConverseResponseOptions,
): ChatResult {
  const content: ResultPart[] = [];
  let toolCalls = 0;
  let answeredWithJsonTool = false;
  for (const block of response.output?.message?.content ?? []) {
    const part = convertContentBlock(block, options.jsonResponseTool);
    if (part === undefined) continue;
    if (part.type === 'tool-call') toolCalls++;
    else if (part.type === 'text' && block.toolUse != null) answeredWithJsonTool = true;
    content.push(part);
  }
  const metadata = extractBedrockMetadata(response, response.additionalModelResponseFields);
  return {
    content,
    finishReason: mapBedrockStopReason(response.stopReason, answeredWithJsonTool && toolCalls === 0),
    usage: convertBedrockUsage(response.usage),
    warnings: options.warnings,
    modelId: response.trace?.promptRouter?.invokedModelId || options.modelId,
    ...(options.responseId === undefined ? {} : { responseId: options.responseId }),
    ...(metadata === undefined ? {} : { providerMetadata: { bedrock: metadata } }),
  };
}

function convertContentBlock(
  block: BedrockResponseContentBlock,
  jsonResponseTool: JsonResponseTool | undefined,
): ResultPart | undefined {
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  if (block.toolUse != null) {
    const name = block.toolUse.name ?? '';
    if (jsonResponseTool !== undefined && name === jsonResponseTool.name) {
      return { type: 'text', text: jsonAnswerText(block.toolUse.input, jsonResponseTool) };
    }
    return {
      type: 'tool-call',
      toolCallId: block.toolUse.toolUseId || generateToolCallId(),
      toolName: name,
      input: JSON.stringify(block.toolUse.input ?? {}),
    };
  }
  const reasoning = block.reasoningContent;
  if (reasoning?.reasoningText != null) {
    const signature = reasoning.reasoningText.signature;
    return {
      type: 'reasoning',
      text: reasoning.reasoningText.text ?? '',
      ...(signature ? { signature } : {}),
    };
  }
  if (typeof reasoning?.redactedContent === 'string') {
    return { type: 'reasoning', text: '', redactedData: reasoning.redactedContent };
  }
  // Citations, search results, server-tool blocks: nothing canonical to carry them yet.
  return undefined;
}

/**
 * The answer carried by the JSON tool's input, as JSON text (unwrapped from `{value}` when the
 * schema was not an object).
 *
 * @example
 * jsonAnswerText({ value: [1, 2] }, { name: 'numbers', wrapped: true }); // '[1,2]'
 */
export function jsonAnswerText(input: unknown, tool: JsonResponseTool): string {
  const value =
    tool.wrapped && typeof input === 'object' && input !== null && 'value' in input ? input.value : input;
  return JSON.stringify(value ?? {});
}

/**
 * What a Converse answer (or the stream's `metadata` event) carries beyond content and usage, for
 * `providerMetadata.bedrock`: `trace` (guardrail assessments, prompt router), service tier,
 * performance config, latency, and the model's extra response fields. Undefined when there is none.
 *
 * @example
 * extractBedrockMetadata({ metrics: { latencyMs: 412 }, serviceTier: { type: 'priority' } }, undefined);
 * // { latencyMs: 412, serviceTier: { type: 'priority' } }
 */
export function extractBedrockMetadata(
  source: Partial<BedrockStreamMetadata>,
  additionalModelResponseFields: unknown,
): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = {};
  if (source.metrics?.latencyMs != null) metadata['latencyMs'] = source.metrics.latencyMs;
  if (source.trace != null) metadata['trace'] = source.trace;
  if (source.serviceTier != null) metadata['serviceTier'] = source.serviceTier;
  if (source.performanceConfig != null) metadata['performanceConfig'] = source.performanceConfig;
  if (additionalModelResponseFields != null) {
    metadata['additionalModelResponseFields'] = additionalModelResponseFields;
  }
  if (source.usage?.cacheDetails != null) metadata['cacheDetails'] = source.usage.cacheDetails;
  return Object.keys(metadata).length === 0 ? undefined : metadata;
}
