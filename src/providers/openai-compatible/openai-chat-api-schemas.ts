import { z } from 'zod';

/*
 * Upstream response shapes of the Chat Completions and Embeddings APIs. Minimal and tolerant on
 * purpose: every field is nullish and objects are loose, because OpenAI, Azure, vLLM, Ollama and
 * llama.cpp each add or omit fields. Only what the converters read is declared.
 */

export const openAIUsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
});

export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

export const openAIErrorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  // Azure sends codes as strings ("429"), some servers as numbers.
  code: z.union([z.string(), z.number()]).nullish(),
});

export type OpenAIErrorObject = z.infer<typeof openAIErrorObjectSchema>;

const toolCallSchema = z.looseObject({
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }),
});

export const openAIChatResponseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          // vLLM/DeepSeek name it reasoning_content; newer vLLM and Ollama name it reasoning.
          reasoning_content: z.string().nullish(),
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
});

export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;

const toolCallDeltaSchema = z.looseObject({
  index: z.number().nullish(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const openAIChatChunkSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().nullish(),
        delta: z
          .looseObject({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
  error: openAIErrorObjectSchema.nullish(),
});

export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;

export const openAIEmbeddingsResponseSchema = z.looseObject({
  model: z.string().nullish(),
  data: z.array(
    z.looseObject({
      index: z.number().nullish(),
      // base64 of little-endian float32 when we asked for it; servers that ignore the request send floats.
      embedding: z.union([z.string(), z.array(z.number())]),
    }),
  ),
  usage: z.looseObject({ prompt_tokens: z.number().nullish() }).nullish(),
});

export type OpenAIEmbeddingsResponse = z.infer<typeof openAIEmbeddingsResponseSchema>;
