import { z } from 'zod';

/*
 * Upstream response shapes of the Messages API. Minimal and tolerant on purpose: every field is
 * nullish and objects are loose, because Anthropic adds fields (and block types) often and Vertex
 * passes the same shapes through. Only what the converters read is declared.
 */

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation: z
    .looseObject({
      ephemeral_5m_input_tokens: z.number().nullish(),
      ephemeral_1h_input_tokens: z.number().nullish(),
    })
    .nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
});

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

export const anthropicContentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  data: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
});

export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

export const anthropicMessageSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** `{type: 'error', error: {type, message}}`, and Vertex's google.rpc `{error: {code, message, status}}`. */
export const anthropicErrorObjectSchema = z.looseObject({
  type: z.string().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
});

export type AnthropicErrorObject = z.infer<typeof anthropicErrorObjectSchema>;

const deltaSchema = z.looseObject({
  type: z.string().nullish(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  partial_json: z.string().nullish(),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
});

/** Every stream event in one loose shape; the `type` says which fields are present. */
export const anthropicStreamEventSchema = z.looseObject({
  type: z.string(),
  message: z
    .looseObject({
      id: z.string().nullish(),
      model: z.string().nullish(),
      usage: anthropicUsageSchema.nullish(),
    })
    .nullish(),
  index: z.number().nullish(),
  content_block: anthropicContentBlockSchema.nullish(),
  delta: deltaSchema.nullish(),
  usage: anthropicUsageSchema.nullish(),
  error: anthropicErrorObjectSchema.nullish(),
});

export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;
