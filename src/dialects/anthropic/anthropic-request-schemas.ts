import { z } from 'zod';

/**
 * Inbound Anthropic Messages schemas. They validate what the gateway reads, with Anthropic's ranges,
 * and tolerate the rest: unknown top-level fields are kept so they can be passed through to
 * Anthropic-wire targets, and blocks the gateway cannot represent are recognised by their `type`
 * so the parser can refuse them by name instead of as a shape error.
 */

const cacheControlSchema = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).nullish() });
const cacheControl = cacheControlSchema.nullish();

export type AnthropicCacheControl = z.output<typeof cacheControlSchema>;

const textBlockSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const imageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string().min(1),
    }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
    z.object({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});

const documentBlockSchema = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('base64'),
      media_type: z.literal('application/pdf'),
      data: z.string().min(1),
    }),
    z.object({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
    z.object({
      type: z.literal('content'),
      content: z.union([
        z.string(),
        z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema])),
      ]),
    }),
    z.object({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.object({ enabled: z.boolean().nullish() }).nullish(),
  cache_control: cacheControl,
});

const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z
    .union([
      z.string(),
      z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema, documentBlockSchema])),
    ])
    .nullish(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
});

const thinkingBlockSchema = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});

const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

/** Real Anthropic blocks with no canonical equivalent (server tools, search results, containers). */
export const UNSUPPORTED_BLOCK_TYPES = [
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'container_upload',
  'mcp_tool_use',
  'mcp_tool_result',
  'tool_reference',
] as const;

const unsupportedBlockSchema = z.looseObject({ type: z.enum(UNSUPPORTED_BLOCK_TYPES) });

const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  unsupportedBlockSchema,
]);

export type AnthropicTextBlock = z.output<typeof textBlockSchema>;
export type AnthropicImageBlock = z.output<typeof imageBlockSchema>;
export type AnthropicDocumentBlock = z.output<typeof documentBlockSchema>;
export type AnthropicToolResultBlock = z.output<typeof toolResultBlockSchema>;
export type AnthropicContentBlock = z.output<typeof contentBlockSchema>;

const systemContentSchema = z.union([z.string(), z.array(textBlockSchema)]);

const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(contentBlockSchema)]) }),
  z.object({ role: z.literal('assistant'), content: z.union([z.string(), z.array(contentBlockSchema)]) }),
  // Newer API versions accept system turns inside `messages`.
  z.object({ role: z.literal('system'), content: systemContentSchema }),
]);

export type AnthropicMessage = z.output<typeof messageSchema>;

const customToolSchema = z.looseObject({
  type: z.literal('custom').nullish(),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControl,
  strict: z.boolean().nullish(),
});

/** Server tools are versioned (`web_search_20250305`, `bash_20250124` …); Anthropic runs them itself. */
const serverToolSchema = z.looseObject({ type: z.string().regex(/_\d{8}$/), name: z.string().nullish() });

export type AnthropicCustomTool = z.output<typeof customToolSchema>;
export type AnthropicServerTool = z.output<typeof serverToolSchema>;
export type AnthropicTool = AnthropicCustomTool | AnthropicServerTool;

const parallelFlag = { disable_parallel_tool_use: z.boolean().nullish() };

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallelFlag }),
  z.object({ type: z.literal('any'), ...parallelFlag }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), ...parallelFlag }),
  z.object({ type: z.literal('none') }),
]);

export type AnthropicToolChoice = z.output<typeof toolChoiceSchema>;

const thinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.int().min(1024) }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
  z.looseObject({ type: z.literal('between_tools') }),
]);

const outputConfigSchema = z.looseObject({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

const baseFields = {
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: systemContentSchema.nullish(),
  tools: z.array(z.union([customToolSchema, serverToolSchema])).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
  cache_control: cacheControl,
};

/** `POST /v1/messages`. */
export const messagesRequestSchema = z.looseObject({
  ...baseFields,
  max_tokens: z.int().min(1),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.int().min(0).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  service_tier: z.enum(['auto', 'standard_only']).nullish(),
});

export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;

/** `POST /v1/messages/count_tokens`: the prompt-shaping fields only. */
export const countTokensRequestSchema = z.looseObject(baseFields);

export type CountTokensRequestBody = z.output<typeof countTokensRequestSchema>;
