import { z } from 'zod';

/**
 * Inbound Gemini / Vertex AI request schemas (camelCase; `normalizeFieldNames` maps snake_case
 * first). They validate what the gateway reads, with Google's ranges, and keep the rest: parts,
 * tools, `generationConfig` and the body are loose objects so fields the gateway does not map
 * (`responseModalities`, `googleSearch`, `serviceTier` …) reach `providerOptions.gemini`.
 */

const jsonObject = z.record(z.string(), z.unknown());

const blobSchema = z.object({ mimeType: z.string().min(1), data: z.string() });

const functionCallSchema = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  args: jsonObject.nullish(),
});

const functionResponseSchema = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  response: jsonObject.nullish(),
  parts: z.array(z.object({ inlineData: blobSchema.nullish() })).nullish(),
});

export const partSchema = z.looseObject({
  text: z.string().nullish(),
  inlineData: blobSchema.nullish(),
  fileData: z.object({ mimeType: z.string().nullish(), fileUri: z.string().min(1) }).nullish(),
  functionCall: functionCallSchema.nullish(),
  functionResponse: functionResponseSchema.nullish(),
  executableCode: z.object({ language: z.string().nullish(), code: z.string() }).nullish(),
  codeExecutionResult: z.object({ outcome: z.string().nullish(), output: z.string().nullish() }).nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
});

export type GeminiPart = z.output<typeof partSchema>;

export const contentSchema = z.object({
  role: z.enum(['user', 'model', 'function']).nullish(),
  parts: z.array(partSchema).nullish(),
});

export type GeminiContent = z.output<typeof contentSchema>;

const functionDeclarationSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: jsonObject.nullish(),
  parametersJsonSchema: jsonObject.nullish(),
});

export type FunctionDeclaration = z.output<typeof functionDeclarationSchema>;

const toolSchema = z.looseObject({ functionDeclarations: z.array(functionDeclarationSchema).nullish() });

const functionCallingConfigSchema = z.looseObject({
  mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).nullish(),
  allowedFunctionNames: z.array(z.string()).nullish(),
});

export const generationConfigSchema = z.looseObject({
  temperature: z.number().min(0).max(2).nullish(),
  topP: z.number().min(0).max(1).nullish(),
  topK: z.number().min(1).nullish(),
  candidateCount: z.int().nullish(),
  maxOutputTokens: z.int().min(1).nullish(),
  stopSequences: z.array(z.string()).max(5).nullish(),
  presencePenalty: z.number().nullish(),
  frequencyPenalty: z.number().nullish(),
  seed: z.int().nullish(),
  responseMimeType: z.string().nullish(),
  responseSchema: jsonObject.nullish(),
  responseJsonSchema: jsonObject.nullish(),
  thinkingConfig: z
    .looseObject({
      thinkingBudget: z.int().nullish(),
      includeThoughts: z.boolean().nullish(),
      thinkingLevel: z.string().nullish(),
    })
    .nullish(),
});

export type GenerationConfig = z.output<typeof generationConfigSchema>;

export const generateContentRequestSchema = z.looseObject({
  contents: z.array(contentSchema).min(1),
  systemInstruction: z.union([z.string(), contentSchema]).nullish(),
  generationConfig: generationConfigSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  toolConfig: z.looseObject({ functionCallingConfig: functionCallingConfigSchema.nullish() }).nullish(),
  safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string().nullish() })).nullish(),
  cachedContent: z.string().nullish(),
  labels: z.record(z.string(), z.string()).nullish(),
});

export type GenerateContentRequestBody = z.output<typeof generateContentRequestSchema>;

/** `countTokens`: Gemini wraps a whole request in `generateContentRequest`; Vertex sends its fields. */
export const countTokensRequestSchema = generateContentRequestSchema.extend({
  contents: z.array(contentSchema).nullish(),
  generateContentRequest: generateContentRequestSchema.nullish(),
});

const embedConfigFields = {
  taskType: z.string().nullish(),
  title: z.string().nullish(),
  outputDimensionality: z.int().min(1).nullish(),
  autoTruncate: z.boolean().nullish(),
};

export const embedContentRequestSchema = z.object({
  model: z.string().nullish(),
  content: contentSchema,
  ...embedConfigFields,
  /** Vertex's embedContent puts the options here. */
  embedContentConfig: z.object(embedConfigFields).nullish(),
});

export type EmbedContentRequestBody = z.output<typeof embedContentRequestSchema>;

export const batchEmbedContentsRequestSchema = z.object({
  requests: z.array(embedContentRequestSchema).min(1),
});

/** Vertex `:predict` for text-embedding models. */
export const predictRequestSchema = z.object({
  instances: z
    .array(z.object({ content: z.string(), taskType: z.string().nullish(), title: z.string().nullish() }))
    .min(1),
  parameters: z
    .object({ outputDimensionality: z.int().min(1).nullish(), autoTruncate: z.boolean().nullish() })
    .nullish(),
});
