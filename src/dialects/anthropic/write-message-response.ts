import type { ChatResult, ResultPart } from '../../core/chat-result.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';
import { announceWarnings } from './announce-warnings.js';
import { cacheWriteTtl, convertToAnthropicUsage } from './convert-to-anthropic-usage.js';
import { findStopSequence, mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { anthropicRequestId } from './write-error.js';

/** `msg_` + the request id without dashes: the message id doubles as the way to find its usage row. */
export function messageId(requestId: string): string {
  return `msg_${requestId.replaceAll('-', '')}`;
}

/** The model the response names: the served model once known, else what the caller asked for. */
export function responseModel(context: GatewayContext): string {
  return context.modelServed ?? context.target?.modelId ?? context.parsed?.request.model ?? '';
}

/**
 * A tool call's JSON text → Anthropic's `input` object. Empty input (a tool without arguments) is
 * `{}`; anything that is not a JSON object also becomes `{}`, and a warning says so.
 */
export function toToolInput(input: string, toolName: string, warnings: Warning[]): Record<string, unknown> {
  if (input.trim() === '') return {};
  const parsed = safeParseJson(input);
  if (
    parsed.success &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    !Array.isArray(parsed.value)
  ) {
    return parsed.value as Record<string, unknown>;
  }
  warnings.push({ type: 'other', message: `tool ${toolName}: input was not a JSON object; sent {}` });
  return {};
}

function toContentBlock(part: ResultPart, warnings: Warning[]): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text, citations: null };
    case 'reasoning':
      if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: part.toolCallId,
        name: part.toolName,
        input: toToolInput(part.input, part.toolName, warnings),
      };
  }
}

/**
 * Builds an Anthropic `message` from a canonical result: text, thinking (or redacted thinking) and
 * tool_use blocks in order, the mapped stop reason, and usage with cached tokens split out.
 */
export function buildAnthropicMessage(result: ChatResult, context: GatewayContext, warnings: Warning[]) {
  const content = result.content.map((part) => toContentBlock(part, warnings));
  const hasToolCalls = result.content.some((part) => part.type === 'tool-call');
  const stopReason = mapAnthropicStopReason(result.finishReason, hasToolCalls);
  const request = context.parsed?.operation === 'chat' ? context.parsed.request : undefined;
  return {
    id: messageId(context.requestId),
    type: 'message' as const,
    role: 'assistant' as const,
    model: result.modelId,
    content,
    stop_reason: stopReason,
    stop_sequence: findStopSequence(stopReason, result.providerMetadata, request?.stopSequences),
    usage: convertToAnthropicUsage(result.usage, cacheWriteTtl(request)),
  };
}

/** Writes the message; `warnings` are the parser's, announced with any the conversion adds. */
export function writeMessageResponse(
  response: RawResponse,
  context: GatewayContext,
  result: ChatResult,
  warnings: readonly Warning[],
): void {
  const found = [...warnings];
  const message = buildAnthropicMessage(result, context, found);
  announceWarnings(response, context, found);
  writeJson(response, 200, message, { 'request-id': anthropicRequestId(context.requestId) });
}
