import { z } from 'zod';

/*
 * Upstream response shapes of generateContent (Gemini API and Vertex AI), their embeddings and
 * google.rpc.Status errors. Minimal and tolerant on purpose: every field is nullish and objects are
 * loose, because Google adds fields often and the two APIs differ in detail (Vertex adds
 * `trafficType`, `createTime`, severity scores). Only what the converters read is declared.
 */

export const geminiFunctionCallSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  /** A protobuf Struct: an object, but read loosely and re-serialised as JSON text. */
  args: z.unknown().optional(),
});

export const geminiPartSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: geminiFunctionCallSchema.nullish(),
});

export type GeminiPart = z.infer<typeof geminiPartSchema>;

export const geminiSafetyRatingSchema = z.looseObject({
  category: z.string().nullish(),
  probability: z.string().nullish(),
  blocked: z.boolean().nullish(),
});

export const geminiCandidateSchema = z.looseObject({
  content: z
    .looseObject({ role: z.string().nullish(), parts: z.array(geminiPartSchema).nullish() })
    .nullish(),
  finishReason: z.string().nullish(),
  finishMessage: z.string().nullish(),
  index: z.number().nullish(),
  safetyRatings: z.array(geminiSafetyRatingSchema).nullish(),
  citationMetadata: z.unknown().optional(),
  groundingMetadata: z.unknown().optional(),
});

export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

export const geminiUsageSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  trafficType: z.string().nullish(),
});

export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

export const geminiPromptFeedbackSchema = z.looseObject({
  blockReason: z.string().nullish(),
  blockReasonMessage: z.string().nullish(),
  safetyRatings: z.array(geminiSafetyRatingSchema).nullish(),
});

export const geminiResponseSchema = z.looseObject({
  candidates: z.array(geminiCandidateSchema).nullish(),
  promptFeedback: geminiPromptFeedbackSchema.nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/** `google.rpc.Status` as the JSON error envelope carries it. */
export const googleErrorSchema = z.looseObject({
  code: z.number().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
  details: z
    .array(
      z.looseObject({
        '@type': z.string().nullish(),
        reason: z.string().nullish(),
        retryDelay: z.string().nullish(),
      }),
    )
    .nullish(),
});

export type GoogleError = z.infer<typeof googleErrorSchema>;

const vectorSchema = z.array(z.number());

/** Gemini API `:batchEmbedContents`. */
export const geminiBatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: vectorSchema })),
});

/** Vertex AI `:predict` for text-embedding-00x and gemini-embedding-001. */
export const vertexPredictEmbedResponseSchema = z.looseObject({
  predictions: z.array(
    z.looseObject({
      embeddings: z.looseObject({
        values: vectorSchema,
        statistics: z.looseObject({ token_count: z.number().nullish() }).nullish(),
      }),
    }),
  ),
});
