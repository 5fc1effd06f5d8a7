import type { ChatRequest, ToolChoice } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { type AnthropicModelLimits, anthropicModelLimits } from './anthropic-model-limits.js';
import { type AnthropicMessageParam, convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import {
  type AnthropicToolParam,
  emulateJsonResponse,
  type JsonToolEmulation,
} from './emulate-json-response.js';
import { limitCacheBreakpoints } from './limit-cache-breakpoints.js';

export type AnthropicRequestBody = {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
} & Record<string, unknown>;

export interface AnthropicRequestConversion {
  body: AnthropicRequestBody;
  /** `anthropic-beta` flags asked for in `providerOptions.anthropic.betas`. */
  betas: string[];
  warnings: Warning[];
  /** Set when `responseFormat` is emulated with a forced tool. */
  jsonTool: JsonToolEmulation | undefined;
}

const DEFAULT_MAX_TOKENS = 4_096;
/**
 * `reasoningEffort` → `thinking.budget_tokens`. The minimum budget is 1,024; the others grow ~4× a
 * step, so `high` leaves room for an answer within the 32k–64k output limits of thinking models.
 */
export const THINKING_BUDGETS = { minimal: 1_024, low: 4_096, medium: 10_240, high: 24_576 } as const;
const MIN_THINKING_BUDGET = 1_024;
// The converter owns these; a providerOptions entry may not replace them.
const RESERVED_KEYS = new Set(['model', 'messages', 'stream', '__proto__']);

function unsupported(
  warnings: Warning[],
  setting: string,
  details = 'Anthropic does not support it; not sent',
) {
  warnings.push({ type: 'unsupported-setting', setting, details });
}

function maxTokens(
  request: ChatRequest,
  limits: AnthropicModelLimits | undefined,
  warnings: Warning[],
): number {
  if (request.maxOutputTokens !== undefined) return request.maxOutputTokens;
  const fallback = limits?.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  warnings.push({
    type: 'other',
    message: `maxOutputTokens not set; Anthropic requires max_tokens, sent ${fallback}${limits === undefined ? '' : " (the model's maximum)"}`,
  });
  return fallback;
}

function setSampling(body: AnthropicRequestBody, request: ChatRequest, warnings: Warning[]): void {
  if (request.temperature !== undefined) {
    // OpenAI-style temperatures run to 2; Anthropic's stop at 1.
    body['temperature'] = Math.min(request.temperature, 1);
    if (request.temperature > 1)
      warnings.push({ type: 'clamped-setting', setting: 'temperature', from: request.temperature, to: 1 });
  }
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.topK !== undefined) body['top_k'] = request.topK;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    body['stop_sequences'] = request.stopSequences;
  if (request.seed !== undefined) unsupported(warnings, 'seed');
  if (request.frequencyPenalty !== undefined) unsupported(warnings, 'frequencyPenalty');
  if (request.presencePenalty !== undefined) unsupported(warnings, 'presencePenalty');
  if (request.user !== undefined) body['metadata'] = { user_id: request.user };
  if (request.metadata !== undefined)
    unsupported(warnings, 'metadata', 'Anthropic only takes metadata.user_id (from user); not sent');
}

function convertToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): Record<string, unknown> | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallel === false ? { type: 'auto', ...disable } : undefined;
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...disable };
    case 'required':
      return { type: 'any', ...disable };
    case 'tool':
      return { type: 'tool', name: choice.toolName, ...disable };
  }
}

/** Tools, tool choice and the JSON emulation tool; returns the emulation when there is one. */
function setTools(
  body: AnthropicRequestBody,
  request: ChatRequest,
  warnings: Warning[],
): JsonToolEmulation | undefined {
  const tools: AnthropicToolParam[] = (request.tools ?? []).map((tool) => {
    if (tool.strict !== undefined) unsupported(warnings, `tools.${tool.name}.strict`);
    return {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.inputSchema,
    };
  });
  let toolChoice =
    tools.length > 0 ? convertToolChoice(request.toolChoice, request.parallelToolCalls) : undefined;
  if (
    tools.length === 0 &&
    (request.toolChoice?.type === 'required' || request.toolChoice?.type === 'tool')
  ) {
    unsupported(warnings, 'toolChoice', 'no tools were given; not sent');
  }
  const json = emulateJsonResponse(request.responseFormat, new Set(tools.map((tool) => tool.name)));
  if (json !== undefined) {
    if (request.toolChoice !== undefined && request.toolChoice.type !== 'auto') {
      unsupported(warnings, 'toolChoice', 'replaced by the forced tool that emulates responseFormat');
    }
    // With the caller's tools present the model may still call one of them; otherwise it must answer in JSON.
    toolChoice = tools.length > 0 ? { type: 'any' } : { type: 'tool', name: json.tool.name };
    tools.push(json.tool);
  }
  if (tools.length > 0) body['tools'] = tools;
  if (toolChoice !== undefined) body['tool_choice'] = toolChoice;
  return json?.emulation;
}

function setThinking(
  body: AnthropicRequestBody,
  request: ChatRequest,
  limits: AnthropicModelLimits | undefined,
  warnings: Warning[],
): void {
  const effort = request.reasoningEffort;
  if (effort === undefined) return;
  if (limits !== undefined && !limits.thinking) {
    unsupported(warnings, 'reasoningEffort', `${body.model} does not support extended thinking; not sent`);
    return;
  }
  const choice = (body['tool_choice'] as { type?: string } | undefined)?.type;
  if (choice === 'any' || choice === 'tool') {
    unsupported(
      warnings,
      'reasoningEffort',
      'thinking cannot be combined with a forced tool choice; not sent',
    );
    return;
  }
  let budget: number = THINKING_BUDGETS[effort];
  if (budget >= body.max_tokens) {
    if (body.max_tokens - 1 < MIN_THINKING_BUDGET) {
      unsupported(
        warnings,
        'reasoningEffort',
        `max_tokens ${body.max_tokens} leaves no room for the 1024-token minimum thinking budget; not sent`,
      );
      return;
    }
    warnings.push({
      type: 'clamped-setting',
      setting: 'thinking.budget_tokens',
      from: budget,
      to: body.max_tokens - 1,
    });
    budget = body.max_tokens - 1;
  }
  body['thinking'] = { type: 'enabled', budget_tokens: budget };
}

/** With thinking on, the API refuses temperature ≠ 1, top_k, and top_p below 0.95. */
function dropThinkingConflicts(body: AnthropicRequestBody, warnings: Warning[]): void {
  if ((body['thinking'] as { type?: string } | undefined)?.type !== 'enabled') return;
  const drop = (key: string, setting: string) => {
    delete body[key];
    unsupported(warnings, setting, 'not accepted together with extended thinking; not sent');
  };
  if (body['temperature'] !== undefined && body['temperature'] !== 1) drop('temperature', 'temperature');
  if (body['top_k'] !== undefined) drop('top_k', 'topK');
  if (typeof body['top_p'] === 'number' && body['top_p'] < 0.95) drop('top_p', 'topP');
}

function readBetas(value: unknown, warnings: Warning[]): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((beta) => beta.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((beta) => typeof beta === 'string')) return value;
  warnings.push({
    type: 'other',
    message: 'providerOptions.anthropic.betas must be a string or a list of strings; ignored',
  });
  return [];
}

/**
 * Converts a canonical request into a Messages API body for one model. Settings Anthropic cannot take
 * become warnings; `providerOptions.anthropic` is merged into the body last (its `betas` become the
 * `anthropic-beta` header instead), so any native field can be set.
 *
 * @example
 * const { body, warnings, betas } = convertToAnthropicRequest(request, 'claude-3-7-sonnet-20250219');
 */
export function convertToAnthropicRequest(request: ChatRequest, modelId: string): AnthropicRequestConversion {
  const { system, messages, warnings } = convertToAnthropicMessages(request.messages);
  limitCacheBreakpoints([...system, ...messages.flatMap((message) => message.content)], warnings);
  const limits = anthropicModelLimits(modelId);
  const body: AnthropicRequestBody = {
    model: modelId,
    max_tokens: maxTokens(request, limits, warnings),
    messages,
  };
  if (system.length > 0) body['system'] = system;
  setSampling(body, request, warnings);
  const jsonTool = setTools(body, request, warnings);
  setThinking(body, request, limits, warnings);
  const { betas: rawBetas, ...extra } = request.providerOptions?.['anthropic'] ?? {};
  for (const [key, value] of Object.entries(extra)) {
    if (RESERVED_KEYS.has(key))
      unsupported(warnings, `providerOptions.anthropic.${key}`, 'set by the gateway; ignored');
    else body[key] = value;
  }
  dropThinkingConflicts(body, warnings);
  if (request.stream) body['stream'] = true;
  return { body, betas: readBetas(rawBetas, warnings), warnings, jsonTool };
}
