import type {
  AssistantMessage,
  CacheControl,
  ChatMessage,
  ChatRequest,
  ImagePart,
  TextPart,
  ToolChoice,
  ToolResultPart,
  UserMessage,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import { toInvokeValidationError } from './format-bedrock-validation-error.js';
import {
  type InvokeCacheControl,
  type InvokeContentBlock,
  type InvokeRequestBody,
  invokeRequestSchema,
} from './invoke-request-schemas.js';
import type { ParsedBedrockRequest } from './parse-converse-request.js';

type Block = InvokeContentBlock;

function cacheOf(control: InvokeCacheControl | undefined): { cacheControl?: CacheControl } {
  return control === undefined ? {} : { cacheControl: { ttl: control.ttl ?? '5m' } };
}

function unsupported(pointer: string, what: string): never {
  throw new GatewayError(
    'unsupported_parameter',
    `Malformed input request: ${pointer}: ${what} is not supported by the gateway.`,
    {
      param: pointer,
    },
  );
}

function convertImage(block: Extract<Block, { type: 'image' }>): ImagePart {
  const { source } = block;
  const media =
    source.type === 'base64'
      ? { type: 'base64' as const, mediaType: source.media_type, data: source.data }
      : { type: 'url' as const, url: source.url };
  return { type: 'image', source: media, ...cacheOf(block.cache_control) };
}

function convertUserBlock(block: Block, pointer: string): UserMessage['content'][number] {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text, ...cacheOf(block.cache_control) };
    case 'image':
      return convertImage(block);
    case 'document': {
      const { source } = block;
      const name = block.title ?? undefined;
      const media =
        source.type === 'base64'
          ? { type: 'base64' as const, mediaType: source.media_type, data: source.data }
          : source.type === 'text'
            ? {
                type: 'base64' as const,
                mediaType: 'text/plain',
                data: Buffer.from(source.data).toString('base64'),
              }
            : { type: 'url' as const, url: source.url };
      return { type: 'document', source: media, ...(name ? { name } : {}), ...cacheOf(block.cache_control) };
    }
    default:
      return unsupported(pointer, `a '${block.type}' block in a user message`);
  }
}

function convertToolResult(
  block: Extract<Block, { type: 'tool_result' }>,
  names: Map<string, string>,
): ToolResultPart {
  const content = block.content ?? [];
  const output: Array<TextPart | ImagePart> =
    typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : content.map((item) =>
          item.type === 'text' ? { type: 'text', text: item.text } : convertImage(item),
        );
  const part: ToolResultPart = {
    type: 'tool-result',
    toolCallId: block.tool_use_id,
    output,
    ...cacheOf(block.cache_control),
  };
  const toolName = names.get(block.tool_use_id);
  if (toolName !== undefined) part.toolName = toolName;
  if (block.is_error === true) part.isError = true;
  return part;
}

function convertAssistantBlock(
  block: Block,
  pointer: string,
  names: Map<string, string>,
): AssistantMessage['content'][number] {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text, ...cacheOf(block.cache_control) };
    case 'tool_use':
      names.set(block.id, block.name);
      return {
        type: 'tool-call',
        toolCallId: block.id,
        toolName: block.name,
        input: JSON.stringify(block.input ?? {}),
      };
    case 'thinking':
      return {
        type: 'reasoning',
        text: block.thinking,
        ...(block.signature ? { signature: block.signature } : {}),
      };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redactedData: block.data };
    default:
      return unsupported(pointer, `a '${block.type}' block in an assistant message`);
  }
}

/** Anthropic messages → canonical; a user turn's tool results become a `tool` message first. */
function convertMessages(body: InvokeRequestBody): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) {
    const system: TextPart[] =
      typeof body.system === 'string'
        ? [{ type: 'text', text: body.system }]
        : body.system.map((block) => ({ type: 'text', text: block.text, ...cacheOf(block.cache_control) }));
    messages.push({ role: 'system', content: system });
  }
  const names = new Map<string, string>();
  body.messages.forEach((message, index) => {
    const blocks: Block[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const pointer = (blockIndex: number) => `#/messages/${index}/content/${blockIndex}`;
    if (message.role === 'assistant') {
      messages.push({
        role: 'assistant',
        content: blocks.map((block, i) => convertAssistantBlock(block, pointer(i), names)),
      });
      return;
    }
    const results = blocks.flatMap((block) =>
      block.type === 'tool_result' ? [convertToolResult(block, names)] : [],
    );
    const content = blocks.flatMap((block, i) =>
      block.type === 'tool_result' ? [] : [convertUserBlock(block, pointer(i))],
    );
    if (results.length > 0) messages.push({ role: 'tool', content: results });
    if (content.length > 0) messages.push({ role: 'user', content });
  });
  return messages;
}

function convertToolChoice(choice: NonNullable<InvokeRequestBody['tool_choice']>): ToolChoice {
  if (choice.type === 'tool') return { type: 'tool', toolName: choice.name };
  return { type: choice.type === 'any' ? 'required' : choice.type };
}

/**
 * Parses an InvokeModel / InvokeModelWithResponseStream body — the Anthropic Messages body Bedrock
 * takes for Claude — into the canonical request. Other model families' native bodies are refused
 * with a clear ValidationException.
 *
 * @example
 * parseInvokeRequest({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 100,
 *   messages: [{ role: 'user', content: 'Hi' }] }, { model: 'claude', stream: false })
 */
export function parseInvokeRequest(
  body: unknown,
  options: { model: string; stream: boolean },
): ParsedBedrockRequest {
  if (typeof body === 'object' && body !== null && !('anthropic_version' in body)) {
    throw new GatewayError(
      'invalid_request',
      'Malformed input request: #: required key [anthropic_version] not found. The gateway accepts the Anthropic Messages body (anthropic_version: bedrock-2023-05-31) on InvokeModel; use Converse for other models.',
      { param: '#/anthropic_version' },
    );
  }
  const parsed = invokeRequestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw toInvokeValidationError(parsed.error);
  const input = parsed.data;
  const request: ChatRequest = {
    model: options.model,
    messages: convertMessages(input),
    stream: options.stream,
    maxOutputTokens: input.max_tokens,
  };
  if (input.temperature !== undefined) request.temperature = input.temperature;
  if (input.top_p !== undefined) request.topP = input.top_p;
  if (input.top_k !== undefined) request.topK = input.top_k;
  if (input.stop_sequences !== undefined) request.stopSequences = input.stop_sequences;
  if (input.metadata?.user_id !== undefined) request.user = input.metadata.user_id;
  if (input.tools !== undefined) {
    request.tools = input.tools.map((tool) => ({
      name: tool.name,
      inputSchema: tool.input_schema as JsonSchema,
      ...(tool.description === undefined ? {} : { description: tool.description }),
    }));
  }
  if (input.tool_choice !== undefined) {
    request.toolChoice = convertToolChoice(input.tool_choice);
    if (
      'disable_parallel_tool_use' in input.tool_choice &&
      input.tool_choice.disable_parallel_tool_use === true
    ) {
      request.parallelToolCalls = false;
    }
  }
  const bedrock: Record<string, unknown> = {};
  if (input.thinking !== undefined) bedrock['additionalModelRequestFields'] = { thinking: input.thinking };
  if (input.anthropic_beta !== undefined) bedrock['anthropicBeta'] = input.anthropic_beta;
  if (Object.keys(bedrock).length > 0) request.providerOptions = { bedrock };
  const warnings = input.tools?.some((tool) => tool.cache_control !== undefined)
    ? [{ type: 'other' as const, message: 'cache_control on tools is not carried to targets' }]
    : [];
  return { request, warnings };
}
