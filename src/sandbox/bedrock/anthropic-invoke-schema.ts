import { z } from 'zod';

/**
 * The Anthropic Messages body InvokeModel takes for `anthropic.*` models: the Messages API without
 * `model` and `stream` (both rejected as extraneous), plus `anthropic_version: "bedrock-2023-05-31"`.
 * The top level is strict, as Bedrock's JSON schema is; nested objects are loose.
 */

const cacheControl = z
  .object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .optional();

const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });

const imageBlock = z.object({
  type: z.literal('image'),
  source: z.object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string(),
  }),
  cache_control: cacheControl,
});

const documentBlock = z.object({
  type: z.literal('document'),
  source: z.object({ type: z.string(), media_type: z.string().optional(), data: z.string().optional() }),
  cache_control: cacheControl,
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

export const anthropicContentBlockSchema = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

const tool = z.object({
  name: z.string().min(1).max(64),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string().min(1) }),
  z.object({ type: z.literal('none') }),
]);

export const anthropicInvokeSchema = z.strictObject({
  anthropic_version: z.string(),
  anthropic_beta: z.array(z.string()).optional(),
  max_tokens: z.number().int().min(1),
  messages: z.array(
    z.object({
      role: z.enum(['user', 'assistant']),
      content: z.union([z.string(), z.array(anthropicContentBlockSchema)]),
    }),
  ),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z
    .object({ type: z.enum(['enabled', 'disabled']), budget_tokens: z.number().int().min(1024).optional() })
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type AnthropicInvokeBody = z.output<typeof anthropicInvokeSchema>;
export type AnthropicContentBlock = z.output<typeof anthropicContentBlockSchema>;
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';
