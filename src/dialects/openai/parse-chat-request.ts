import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import { convertOpenAIMessages } from './convert-openai-messages.js';
import { toValidationError } from './format-validation-error.js';
import { type ChatCompletionRequestBody, chatCompletionRequestSchema } from './openai-request-schemas.js';

/** What the OpenAI dialect needs from the body besides the canonical request. */
export interface ParsedChatCompletion {
  request: ChatRequest;
  /** `stream_options.include_usage`: send the usage chunk at the end of a stream. */
  includeUsage: boolean;
}

export interface ParseChatOptions {
  /** A model named by the URL (Azure deployment path); it wins over the body's `model`. */
  model?: string;
}

/** Fields the dialect maps to canonical ones; every other top-level field is passed through. */
const CONSUMED_FIELDS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'n',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'user',
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'reasoning_effort',
  'metadata',
]);

const REASONING_EFFORTS = new Set(['minimal', 'low', 'medium', 'high']);

type Body = ChatCompletionRequestBody;
type Definite<T> = Exclude<T, null | undefined>;

/** The body came from JSON.parse, so a plain object in it is a JSON object. */
function asJsonSchema(value: Record<string, unknown> | null | undefined): JsonSchema {
  return (value ?? { type: 'object', properties: {} }) as JsonSchema;
}

function toTools(tools: Definite<Body['tools']>): ToolDefinition[] {
  return tools.map(({ function: fn }) => {
    const tool: ToolDefinition = { name: fn.name, inputSchema: asJsonSchema(fn.parameters) };
    if (fn.description !== undefined && fn.description !== null) tool.description = fn.description;
    if (fn.strict !== undefined && fn.strict !== null) tool.strict = fn.strict;
    return tool;
  });
}

function toToolChoice(choice: Definite<Body['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? { type: choice } : { type: 'tool', toolName: choice.function.name };
}

function toResponseFormat(format: Definite<Body['response_format']>): ResponseFormat {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  const { name, description, schema, strict } = format.json_schema;
  // A json_schema format without a schema only promises JSON.
  if (schema === undefined || schema === null) return { type: 'json' };
  const result: ResponseFormat = { type: 'json-schema', name, schema: asJsonSchema(schema) };
  if (description !== undefined && description !== null) result.description = description;
  if (strict !== undefined && strict !== null) result.strict = strict;
  return result;
}

/** The fields passed through to `providerOptions.openai`; undefined when there are none. */
function passthroughOptions(body: Body): Record<string, unknown> | undefined {
  let passthrough: Record<string, unknown> | undefined;
  for (const key of Object.keys(body)) {
    if (CONSUMED_FIELDS.has(key)) continue;
    passthrough ??= {};
    passthrough[key] = body[key as keyof Body];
  }
  // Efforts the canonical model has no value for (`none`, `xhigh` …) still reach OpenAI-type targets.
  if (typeof body.reasoning_effort === 'string' && !REASONING_EFFORTS.has(body.reasoning_effort)) {
    passthrough ??= {};
    passthrough['reasoning_effort'] = body.reasoning_effort;
  }
  return passthrough;
}

/** Copies the set (non-null) scalar settings onto the request. */
function applySettings(request: ChatRequest, body: Body): void {
  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxOutputTokens != null) request.maxOutputTokens = maxOutputTokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.seed != null) request.seed = body.seed;
  if (body.stop != null) request.stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.user != null) request.user = body.user;
  if (body.metadata != null) request.metadata = body.metadata;
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.tools != null && body.tools.length > 0) request.tools = toTools(body.tools);
  if (body.tool_choice != null) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.response_format != null) request.responseFormat = toResponseFormat(body.response_format);
  const effort = body.reasoning_effort;
  if (effort === 'minimal' || effort === 'low' || effort === 'medium' || effort === 'high') {
    request.reasoningEffort = effort;
  }
}

/**
 * Validates an OpenAI `POST /chat/completions` body and converts it to a canonical request.
 * Fields OpenAI knows but the canonical model does not (`logit_bias`, `logprobs`, `service_tier`,
 * `store`, `prediction`, …) and unknown fields go to `providerOptions.openai`, so an OpenAI or
 * Azure target can pass them on and other targets can warn.
 *
 * @example
 * const { request } = parseChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
 * request.messages[0] // { role: 'user', content: [{ type: 'text', text: 'Hi' }] }
 */
export function parseChatRequest(input: unknown, options: ParseChatOptions = {}): ParsedChatCompletion {
  const parsed = chatCompletionRequestSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  const body = parsed.data;
  const model = options.model ?? body.model;
  if (model === undefined) {
    throw new GatewayError('invalid_request', `Missing required parameter: 'model'.`, { param: 'model' });
  }
  if (body.n != null && body.n !== 1) {
    throw new GatewayError(
      'unsupported_parameter',
      `Unsupported value: 'n' must be 1; the gateway returns one choice.`,
      {
        param: 'n',
      },
    );
  }
  const request: ChatRequest = {
    model,
    messages: convertOpenAIMessages(body.messages),
    stream: body.stream === true,
  };
  applySettings(request, body);
  const passthrough = passthroughOptions(body);
  if (passthrough !== undefined) request.providerOptions = { openai: passthrough };
  return { request, includeUsage: body.stream_options?.include_usage === true };
}
