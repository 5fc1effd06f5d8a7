import {
  type AnthropicContentBlock,
  type AnthropicInvokeBody,
  anthropicInvokeSchema,
  BEDROCK_ANTHROPIC_VERSION,
} from './anthropic-invoke-schema.js';
import { validationError } from './bedrock-error.js';
import type { BedrockModel } from './bedrock-models.js';
import type { ContentBlockBody, ConverseRequestBody } from './converse-request-schema.js';
import { invokeValidationError } from './format-invoke-validation.js';
import type { BedrockPrompt } from './generate-bedrock-reply.js';
import { readConversePrompt } from './read-converse-prompt.js';

type CacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' | undefined } | undefined;
type Message = AnthropicInvokeBody['messages'][number];

function cachePoint(control: CacheControl): ContentBlockBody[] {
  return control === undefined ? [] : [{ cachePoint: { type: 'default', ttl: control.ttl } }];
}

function resultText(content: Extract<AnthropicContentBlock, { type: 'tool_result' }>['content']): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** One Anthropic block as the Converse block(s) it means; `cache_control` becomes a following cachePoint. */
function toConverseBlocks(block: AnthropicContentBlock): ContentBlockBody[] {
  switch (block.type) {
    case 'text':
      return [{ text: block.text }, ...cachePoint(block.cache_control)];
    case 'image': {
      const format = block.source.media_type.slice('image/'.length) as 'png' | 'jpeg' | 'gif' | 'webp';
      return [
        { image: { format, source: { bytes: block.source.data } } },
        ...cachePoint(block.cache_control),
      ];
    }
    case 'document':
      return [
        { document: { format: 'pdf', name: 'document', source: { bytes: block.source.data ?? '' } } },
        ...cachePoint(block.cache_control),
      ];
    case 'tool_use':
      return [
        { toolUse: { toolUseId: block.id, name: block.name, input: block.input } },
        ...cachePoint(block.cache_control),
      ];
    case 'tool_result':
      return [
        {
          toolResult: {
            toolUseId: block.tool_use_id,
            content: [{ text: resultText(block.content) }],
            status: block.is_error ? 'error' : 'success',
          },
        },
        ...cachePoint(block.cache_control),
      ];
    case 'thinking':
      return [{ reasoningContent: { reasoningText: { text: block.thinking, signature: block.signature } } }];
    case 'redacted_thinking':
      return [{ reasoningContent: { redactedContent: block.data } }];
  }
}

function blocksOf(message: Message): AnthropicContentBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** The Messages API's own turn and tool-pairing checks, in its own words. */
function checkMessages(messages: readonly Message[]): void {
  if (messages[0]?.role !== 'user') throw validationError('messages: first message must use the "user" role');
  messages.forEach((message, index) => {
    const previous = messages[index - 1];
    if (previous?.role === message.role) {
      throw validationError(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`,
      );
    }
    const uses = previous
      ? blocksOf(previous).flatMap((block) => (block.type === 'tool_use' ? [block.id] : []))
      : [];
    const results = blocksOf(message).flatMap((block) =>
      block.type === 'tool_result' ? [block.tool_use_id] : [],
    );
    const unexpected = results.filter((id) => !uses.includes(id));
    if (unexpected.length > 0) {
      throw validationError(
        `messages.${index}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
    const unanswered = uses.filter((id) => !results.includes(id));
    if (unanswered.length > 0) {
      throw validationError(
        `messages.${index - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  });
}

function toolConfigOf(body: AnthropicInvokeBody): ConverseRequestBody['toolConfig'] {
  const tools = body.tools ?? [];
  if (tools.length === 0 || body.tool_choice?.type === 'none') return undefined;
  const choice = body.tool_choice;
  return {
    tools: tools.flatMap((tool) => [
      {
        toolSpec: {
          name: tool.name,
          description: tool.description,
          inputSchema: { json: tool.input_schema },
        },
      },
      ...(tool.cache_control
        ? [{ cachePoint: { type: 'default' as const, ttl: tool.cache_control.ttl } }]
        : []),
    ]),
    toolChoice:
      choice?.type === 'any'
        ? { any: {} }
        : choice?.type === 'tool'
          ? { tool: { name: choice.name } }
          : { auto: {} },
  };
}

/** The Anthropic body in Bedrock's unified (Converse) terms, so both operations share one prompt reader. */
function toConverseBody(body: AnthropicInvokeBody): ConverseRequestBody {
  const system = typeof body.system === 'string' ? [{ text: body.system }] : (body.system ?? []);
  return {
    messages: body.messages.map((message) => ({
      role: message.role,
      content: blocksOf(message).flatMap(toConverseBlocks),
    })),
    system: system.flatMap((block) => [
      { text: block.text },
      ...('cache_control' in block && block.cache_control
        ? [{ cachePoint: { type: 'default' as const, ttl: block.cache_control.ttl } }]
        : []),
    ]),
    inferenceConfig: { maxTokens: body.max_tokens, stopSequences: body.stop_sequences },
    toolConfig: toolConfigOf(body),
  };
}

/**
 * Validates an Anthropic InvokeModel body as Bedrock and Claude do and reads it into a BedrockPrompt.
 * @example const { body, prompt } = readAnthropicInvoke(raw, model, marker);
 */
export function readAnthropicInvoke(
  raw: unknown,
  model: BedrockModel,
  marker: string,
): { body: AnthropicInvokeBody; prompt: BedrockPrompt } {
  const result = anthropicInvokeSchema.safeParse(raw);
  if (!result.success) throw invokeValidationError(result.error.issues, raw);
  const body = result.data;
  if (body.anthropic_version !== BEDROCK_ANTHROPIC_VERSION) {
    throw validationError(`anthropic_version: Input should be '${BEDROCK_ANTHROPIC_VERSION}'`);
  }
  checkMessages(body.messages);
  if (
    body.tool_choice &&
    body.tool_choice.type !== 'auto' &&
    body.tool_choice.type !== 'none' &&
    !body.tools?.length
  ) {
    throw validationError(
      `tool_choice: \`tools\` must be provided when \`tool_choice.type\` is '${body.tool_choice.type}'`,
    );
  }
  return { body, prompt: readConversePrompt(toConverseBody(body), model, marker) };
}
