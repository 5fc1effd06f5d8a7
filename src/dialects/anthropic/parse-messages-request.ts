import type { CacheControl, ChatMessage, ChatRequest } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import type { Warning } from '../../core/warning.js';
import {
  type CountTokensRequestBody,
  countTokensRequestSchema,
  type MessagesRequestBody,
  messagesRequestSchema,
} from './anthropic-request-schemas.js';
import { toCacheControl, unsupportedFeature } from './convert-anthropic-content.js';
import { convertAnthropicMessages } from './convert-anthropic-messages.js';
import { applyToolChoice, convertAnthropicTools } from './convert-anthropic-tools.js';
import { toValidationError } from './format-validation-error.js';

/** A canonical request plus what the dialect could not carry (sent back in `x-converge-warnings`). */
export interface ParsedMessagesRequest {
  request: ChatRequest;
  warnings: Warning[];
}

export interface ParseMessagesOptions {
  /** Values of the `anthropic-beta` header, passed on as `providerOptions.anthropic.betas`. */
  betas: readonly string[];
}

/** Fields mapped to canonical ones and not passed through. */
const CONSUMED_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'metadata',
  'cache_control',
]);

/** Stateful server-side features no other target has; refusing them beats answering without them. */
const REFUSED_FIELDS = ['container', 'mcp_servers'] as const;

/**
 * Anthropic's thinking budget → the canonical effort for targets without budgets. The thresholds
 * follow Anthropic's guidance (1–4k light, up to 16k moderate, beyond that deep reasoning).
 *
 * @example
 * effortForBudget(10_000) // 'medium'
 */
export function effortForBudget(budgetTokens: number): 'low' | 'medium' | 'high' {
  if (budgetTokens < 4096) return 'low';
  if (budgetTokens < 16_384) return 'medium';
  return 'high';
}

function applyReasoning(request: ChatRequest, body: CountTokensRequestBody): void {
  const effort = body.output_config?.effort;
  if (effort !== undefined && effort !== null) {
    request.reasoningEffort = effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  } else if (body.thinking?.type === 'enabled') {
    request.reasoningEffort = effortForBudget(body.thinking.budget_tokens);
  }
}

/** Top-level `cache_control` marks the last cacheable block of the prompt (Anthropic's automatic caching). */
function applyAutomaticBreakpoint(messages: ChatMessage[], cacheControl: CacheControl, warnings: Warning[]) {
  for (const message of [...messages].reverse()) {
    for (const part of [...message.content].reverse()) {
      if (
        part.type === 'text' ||
        part.type === 'image' ||
        part.type === 'document' ||
        part.type === 'tool-result'
      ) {
        part.cacheControl ??= cacheControl;
        return;
      }
    }
  }
  warnings.push({ type: 'unsupported-setting', setting: 'cache_control', details: 'no cacheable block' });
}

/**
 * The prompt-shaping fields shared by `/v1/messages` and `/v1/messages/count_tokens`: messages,
 * system, tools, tool choice, reasoning and output format, and automatic caching.
 */
function buildPrompt(body: CountTokensRequestBody, warnings: Warning[]): ChatRequest {
  for (const field of REFUSED_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) {
      throw unsupportedFeature(field, 'this server-side feature is not supported by the gateway.');
    }
  }
  const request: ChatRequest = {
    model: body.model,
    messages: convertAnthropicMessages(body.system, body.messages, warnings),
    stream: false,
  };
  if (body.tools !== undefined && body.tools !== null && body.tools.length > 0) {
    request.tools = convertAnthropicTools(body.tools, warnings);
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) applyToolChoice(request, body.tool_choice);
  applyReasoning(request, body);
  const format = body.output_config?.format;
  if (format !== undefined && format !== null) {
    request.responseFormat = { type: 'json-schema', name: 'output', schema: format.schema as JsonSchema };
  }
  const automatic = toCacheControl(body.cache_control);
  if (automatic !== undefined) applyAutomaticBreakpoint(request.messages, automatic, warnings);
  return request;
}

function applySettings(request: ChatRequest, body: MessagesRequestBody): void {
  request.maxOutputTokens = body.max_tokens;
  request.stream = body.stream === true;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.top_k != null) request.topK = body.top_k;
  if (body.stop_sequences != null && body.stop_sequences.length > 0)
    request.stopSequences = body.stop_sequences;
  if (body.metadata?.user_id != null) request.user = body.metadata.user_id;
}

/**
 * `providerOptions.anthropic`: the `anthropic-beta` values as `betas`, plus every body field the
 * canonical model does not hold exactly (`thinking`, `output_config`, `service_tier`, unknown
 * fields), verbatim, so an Anthropic-wire target can honour them precisely.
 */
function passthroughOptions(body: Record<string, unknown>, betas: readonly string[]) {
  const options: Record<string, unknown> = {};
  if (betas.length > 0) options['betas'] = [...betas];
  for (const [key, value] of Object.entries(body)) {
    if (!CONSUMED_FIELDS.has(key) && value !== undefined && value !== null) options[key] = value;
  }
  return options;
}

function withPassthrough(request: ChatRequest, body: Record<string, unknown>, betas: readonly string[]) {
  const options = passthroughOptions(body, betas);
  if (Object.keys(options).length > 0) request.providerOptions = { anthropic: options };
}

/**
 * Validates an Anthropic `POST /v1/messages` body and converts it to a canonical request.
 * `max_tokens` is required, as Anthropic requires it; a thinking budget must be below it.
 *
 * @example
 * const { request } = parseMessagesRequest(
 *   { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] },
 *   { betas: [] },
 * );
 * request.maxOutputTokens // 256
 */
export function parseMessagesRequest(input: unknown, options: ParseMessagesOptions): ParsedMessagesRequest {
  const parsed = messagesRequestSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  const body = parsed.data;
  if (body.thinking?.type === 'enabled' && body.thinking.budget_tokens >= body.max_tokens) {
    throw new GatewayError('invalid_request', '`max_tokens` must be greater than `thinking.budget_tokens`.', {
      param: 'max_tokens',
    });
  }
  const warnings: Warning[] = [];
  const request = buildPrompt(body, warnings);
  applySettings(request, body);
  withPassthrough(request, body, options.betas);
  return { request, warnings };
}

/**
 * Validates a `POST /v1/messages/count_tokens` body (no `max_tokens`) into a canonical request used
 * only to count the prompt.
 *
 * @example
 * parseCountTokensRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }, { betas: [] })
 */
export function parseCountTokensRequest(
  input: unknown,
  options: ParseMessagesOptions,
): ParsedMessagesRequest {
  const parsed = countTokensRequestSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  const warnings: Warning[] = [];
  const request = buildPrompt(parsed.data, warnings);
  withPassthrough(request, parsed.data, options.betas);
  return { request, warnings };
}
