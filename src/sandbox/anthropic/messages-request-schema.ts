import { z } from 'zod';

/*
 * The Messages API request as the real service validates it: top-level keys and the common content
 * blocks are strict (unknown keys → "Extra inputs are not permitted"), server-tool blocks are loose.
 */

const cacheControl = z
  .strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .nullish();

export type CacheControlBody = z.output<typeof cacheControl>;

const textBlock = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const imageBlock = z.strictObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string().min(1),
    }),
    z.strictObject({ type: z.literal('url'), url: z.string().min(1) }),
    z.strictObject({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});

const documentBlock = z.strictObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string() }),
    z.strictObject({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }),
    z.strictObject({ type: z.literal('url'), url: z.string().min(1) }),
    z.strictObject({ type: z.literal('content'), content: z.union([z.string(), z.array(z.unknown())]) }),
    z.strictObject({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.strictObject({ enabled: z.boolean().optional() }).nullish(),
  cache_control: cacheControl,
});

const toolUseBlock = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlock = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock]))])
    .optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlock = z.strictObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});

const redactedThinkingBlock = z.strictObject({ type: z.literal('redacted_thinking'), data: z.string() });

// Server-tool and search-result blocks: accepted and counted, never interpreted.
const looseBlock = <Type extends string>(type: Type) =>
  z.looseObject({ type: z.literal(type), cache_control: cacheControl });

export const contentBlockSchema = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  looseBlock('search_result'),
  looseBlock('server_tool_use'),
  looseBlock('web_search_tool_result'),
]);

export type ContentBlockBody = z.output<typeof contentBlockSchema>;

const messageSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

export type MessageBody = z.output<typeof messageSchema>;

const customToolSchema = z.strictObject({
  type: z.literal('custom').optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControl,
  strict: z.boolean().optional(),
});

/** Server tools (`web_search_20250305`, `bash_20250124`, …): a dated `type` and a name. */
const serverToolSchema = z.looseObject({
  type: z.string().regex(/_\d{8}$/),
  name: z.string().min(1),
  cache_control: cacheControl,
});

export type ToolBody = z.output<typeof customToolSchema> | z.output<typeof serverToolSchema>;

const disableParallel = { disable_parallel_tool_use: z.boolean().optional() };

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto'), ...disableParallel }),
  z.strictObject({ type: z.literal('any'), ...disableParallel }),
  z.strictObject({ type: z.literal('tool'), name: z.string().min(1), ...disableParallel }),
  z.strictObject({ type: z.literal('none') }),
]);

const thinkingSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('enabled'), budget_tokens: z.number().int().gte(1024) }),
  z.strictObject({ type: z.literal('disabled') }),
  z.strictObject({ type: z.literal('adaptive') }),
]);

const promptFields = {
  model: z.string().min(1),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(z.union([customToolSchema, serverToolSchema])).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  /** Automatic caching: one breakpoint on the last cacheable block. */
  cache_control: cacheControl,
};

/** `POST /v1/messages`. */
export const messagesRequestSchema = z.strictObject({
  ...promptFields,
  max_tokens: z.number().int().gte(1),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().gte(0).lte(1).optional(),
  top_p: z.number().gte(0).lte(1).optional(),
  top_k: z.number().int().gte(0).optional(),
  metadata: z.strictObject({ user_id: z.string().max(256).nullish() }).nullish(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
});

export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;

/** `:rawPredict` / `:streamRawPredict` on Vertex: the model is in the URL, the version in the body. */
export const vertexMessagesRequestSchema = messagesRequestSchema.omit({ model: true }).extend({
  anthropic_version: z.string().min(1),
  anthropic_beta: z.array(z.string()).optional(),
});

/** `POST /v1/messages/count_tokens`: the prompt fields only. */
export const countTokensRequestSchema = z.strictObject(promptFields);

/** Vertex `count-tokens:rawPredict`: the model stays in the body. */
export const vertexCountTokensRequestSchema = countTokensRequestSchema.extend({
  anthropic_version: z.string().min(1).optional(),
  anthropic_beta: z.array(z.string()).optional(),
});

/** What the prompt reader needs: the shape shared by every schema above. */
export type PromptBody = Omit<z.output<typeof countTokensRequestSchema>, 'model'>;
