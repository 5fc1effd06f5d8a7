import { z } from 'zod';

/*
 * Upstream shapes of Bedrock Converse, ConverseStream events and the embedding models behind
 * InvokeModel. Minimal and tolerant on purpose: Bedrock adds members to its unions over time
 * (citations, search results, server tools), so objects are loose and every field is nullish; only
 * what the converters read is declared. Unknown content blocks parse and are skipped.
 */

export const bedrockUsageSchema = z.looseObject({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  totalTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
  /** Cache writes by TTL (`[{ttl: '1h', inputTokens}]`), kept as metadata. */
  cacheDetails: z.unknown().optional(),
});

export type BedrockUsage = z.infer<typeof bedrockUsageSchema>;

const reasoningContentSchema = z.looseObject({
  reasoningText: z.looseObject({ text: z.string().nullish(), signature: z.string().nullish() }).nullish(),
  redactedContent: z.string().nullish(),
});

export const bedrockResponseContentBlockSchema = z.looseObject({
  text: z.string().nullish(),
  toolUse: z
    .looseObject({
      toolUseId: z.string().nullish(),
      name: z.string().nullish(),
      input: z.unknown().optional(),
    })
    .nullish(),
  reasoningContent: reasoningContentSchema.nullish(),
});

export type BedrockResponseContentBlock = z.infer<typeof bedrockResponseContentBlockSchema>;

const traceSchema = z.looseObject({
  guardrail: z.unknown().optional(),
  promptRouter: z.looseObject({ invokedModelId: z.string().nullish() }).nullish(),
});

export type BedrockTrace = z.infer<typeof traceSchema>;

/** Fields that both the Converse response and the stream's `metadata` event carry. */
const responseMetadataShape = {
  usage: bedrockUsageSchema.nullish(),
  metrics: z.looseObject({ latencyMs: z.number().nullish() }).nullish(),
  trace: traceSchema.nullish(),
  performanceConfig: z.unknown().optional(),
  serviceTier: z.unknown().optional(),
};

export const bedrockConverseResponseSchema = z.looseObject({
  output: z
    .looseObject({
      message: z
        .looseObject({ role: z.string().nullish(), content: z.array(bedrockResponseContentBlockSchema) })
        .nullish(),
    })
    .nullish(),
  stopReason: z.string().nullish(),
  additionalModelResponseFields: z.unknown().optional(),
  ...responseMetadataShape,
});

export type BedrockConverseResponse = z.infer<typeof bedrockConverseResponseSchema>;

// ConverseStream event payloads: the event name is the `:event-type` header, not a JSON wrapper.

export const bedrockContentBlockStartSchema = z.looseObject({
  contentBlockIndex: z.number(),
  start: z
    .looseObject({
      toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).nullish(),
    })
    .nullish(),
});

export const bedrockContentBlockDeltaSchema = z.looseObject({
  contentBlockIndex: z.number(),
  delta: z.looseObject({
    text: z.string().nullish(),
    toolUse: z.looseObject({ input: z.string().nullish() }).nullish(),
    reasoningContent: z
      .looseObject({
        text: z.string().nullish(),
        signature: z.string().nullish(),
        redactedContent: z.string().nullish(),
      })
      .nullish(),
  }),
});

export type BedrockContentBlockDelta = z.infer<typeof bedrockContentBlockDeltaSchema>['delta'];

export const bedrockContentBlockStopSchema = z.looseObject({ contentBlockIndex: z.number() });

export const bedrockMessageStopSchema = z.looseObject({
  stopReason: z.string().nullish(),
  additionalModelResponseFields: z.unknown().optional(),
});

export const bedrockStreamMetadataSchema = z.looseObject(responseMetadataShape);

export type BedrockStreamMetadata = z.infer<typeof bedrockStreamMetadataSchema>;

/** The body of a non-2xx answer or an exception event. */
export const bedrockErrorBodySchema = z.looseObject({
  message: z.string().nullish(),
  Message: z.string().nullish(),
  __type: z.string().nullish(),
  code: z.string().nullish(),
  originalStatusCode: z.number().nullish(),
  originalMessage: z.string().nullish(),
});

export type BedrockErrorBody = z.infer<typeof bedrockErrorBodySchema>;

/** Amazon Titan Text Embeddings (v1, v2) InvokeModel answer. */
export const titanEmbeddingResponseSchema = z.looseObject({
  embedding: z.array(z.number()),
  inputTextTokenCount: z.number().nullish(),
});

/** Cohere Embed (v3: a list of float vectors; v4 or with `embedding_types`: keyed by type). */
export const cohereEmbeddingResponseSchema = z.looseObject({
  embeddings: z.union([z.array(z.array(z.number())), z.looseObject({ float: z.array(z.array(z.number())) })]),
});
