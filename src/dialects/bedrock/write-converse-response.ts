import type { ChatResult, ProviderMetadata, ResultPart } from '../../core/chat-result.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';
import { convertToBedrockUsage } from './convert-to-bedrock-usage.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';

/** A tool call's JSON text as the JSON document Converse carries (a string if it is not JSON). */
export function parseToolInput(input: string): unknown {
  if (input.trim() === '') return {};
  const parsed = safeParseJson(input);
  return parsed.success ? parsed.value : input;
}

function toContentBlock(part: ResultPart): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'tool-call':
      return {
        toolUse: { toolUseId: part.toolCallId, name: part.toolName, input: parseToolInput(part.input) },
      };
    case 'reasoning':
      if (part.redactedData !== undefined)
        return { reasoningContent: { redactedContent: part.redactedData } };
      return {
        reasoningContent: {
          reasoningText: {
            text: part.text,
            ...(part.signature === undefined ? {} : { signature: part.signature }),
          },
        },
      };
  }
}

/** `additionalModelResponseFields` and `trace` a Bedrock upstream reported, echoed as they came. */
export function bedrockExtras(metadata: ProviderMetadata | undefined): Record<string, unknown> {
  const bedrock = metadata?.['bedrock'];
  const extras: Record<string, unknown> = {};
  for (const field of ['additionalModelResponseFields', 'trace', 'performanceConfig', 'serviceTier']) {
    if (bedrock?.[field] !== undefined) extras[field] = bedrock[field];
  }
  return extras;
}

export function latencyMs(context: GatewayContext): number {
  return Math.round(performance.now() - context.startTime);
}

/**
 * Builds a ConverseResponse: `output.message`, `stopReason`, `usage`, `metrics.latencyMs`, plus a
 * Bedrock upstream's `additionalModelResponseFields` / `trace`.
 *
 * @example
 * buildConverseResponse(result, context).output.message.content // [{ text: 'Hello' }]
 */
export function buildConverseResponse(result: ChatResult, context: GatewayContext) {
  const hasToolCalls = result.content.some((part) => part.type === 'tool-call');
  const { additionalModelResponseFields, trace, ...rest } = bedrockExtras(result.providerMetadata);
  return {
    output: { message: { role: 'assistant', content: result.content.map(toContentBlock) } },
    stopReason: mapBedrockStopReason(result.finishReason, hasToolCalls),
    usage: convertToBedrockUsage(result.usage),
    metrics: { latencyMs: latencyMs(context) },
    ...(additionalModelResponseFields === undefined ? {} : { additionalModelResponseFields }),
    ...(trace === undefined ? {} : { trace }),
    ...rest,
  };
}

export function writeConverseResponse(
  response: RawResponse,
  context: GatewayContext,
  result: ChatResult,
): void {
  writeJson(response, 200, buildConverseResponse(result, context), { 'x-amzn-requestid': context.requestId });
}
