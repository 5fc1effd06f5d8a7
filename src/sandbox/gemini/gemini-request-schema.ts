import { z } from 'zod';

/**
 * generateContent, countTokens and embedding request bodies. Google parses proto3 JSON: field names
 * may be camelCase or snake_case, and an unknown field is an error ("Unknown name … Cannot find
 * field"), so message objects are strict after their keys are camel-cased (one level at a time: map
 * keys such as schema property names and function arguments are never rewritten).
 */

function camelize(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    out[key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())] = entry;
  }
  return out;
}

function message<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(camelize, z.strictObject(shape));
}

const struct = z.record(z.string(), z.unknown());
const int = z.number().int();

const blobSchema = message({ mimeType: z.string(), data: z.string(), displayName: z.string().optional() });
const fileDataSchema = message({
  mimeType: z.string().optional(),
  fileUri: z.string(),
  displayName: z.string().optional(),
});

export const partSchema = message({
  text: z.string().optional(),
  inlineData: blobSchema.optional(),
  fileData: fileDataSchema.optional(),
  functionCall: message({ id: z.string().optional(), name: z.string(), args: struct.optional() }).optional(),
  functionResponse: message({
    id: z.string().optional(),
    name: z.string(),
    response: struct,
    willContinue: z.boolean().optional(),
    scheduling: z.string().optional(),
    parts: z.array(z.unknown()).optional(),
  }).optional(),
  executableCode: z.unknown().optional(),
  codeExecutionResult: z.unknown().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  videoMetadata: z.unknown().optional(),
  mediaResolution: z.unknown().optional(),
  partMetadata: z.unknown().optional(),
});

export type PartBody = z.output<typeof partSchema>;

export const contentSchema = message({ role: z.string().optional(), parts: z.array(partSchema).optional() });

export type ContentBody = z.output<typeof contentSchema>;

const functionDeclarationSchema = message({
  name: z.string(),
  description: z.string().optional(),
  parameters: struct.optional(),
  parametersJsonSchema: z.unknown().optional(),
  response: z.unknown().optional(),
  responseJsonSchema: z.unknown().optional(),
  behavior: z.string().optional(),
});

const toolSchema = message({
  functionDeclarations: z.array(functionDeclarationSchema).optional(),
  googleSearch: z.unknown().optional(),
  googleSearchRetrieval: z.unknown().optional(),
  codeExecution: z.unknown().optional(),
  urlContext: z.unknown().optional(),
  retrieval: z.unknown().optional(),
  enterpriseWebSearch: z.unknown().optional(),
  googleMaps: z.unknown().optional(),
  computerUse: z.unknown().optional(),
  fileSearch: z.unknown().optional(),
});

export type ToolBody = z.output<typeof toolSchema>;

const toolConfigSchema = message({
  functionCallingConfig: message({
    mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
    allowedFunctionNames: z.array(z.string()).optional(),
    streamFunctionCallArguments: z.boolean().optional(),
  }).optional(),
  retrievalConfig: z.unknown().optional(),
  includeServerSideToolInvocations: z.boolean().optional(),
});

const thinkingConfigSchema = message({
  includeThoughts: z.boolean().optional(),
  thinkingBudget: int.optional(),
  thinkingLevel: z.string().optional(),
});

const generationConfigSchema = message({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: int.positive().optional(),
  candidateCount: int.min(1).max(8).optional(),
  maxOutputTokens: int.min(1).optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  seed: int.optional(),
  responseMimeType: z.string().optional(),
  responseSchema: struct.optional(),
  responseJsonSchema: z.unknown().optional(),
  responseModalities: z.array(z.string()).optional(),
  responseLogprobs: z.boolean().optional(),
  logprobs: int.optional(),
  thinkingConfig: thinkingConfigSchema.optional(),
  mediaResolution: z.string().optional(),
  speechConfig: z.unknown().optional(),
  audioTimestamp: z.boolean().optional(),
  enableEnhancedCivicAnswers: z.boolean().optional(),
  imageConfig: z.unknown().optional(),
  routingConfig: z.unknown().optional(),
  modelSelectionConfig: z.unknown().optional(),
  enableAffectiveDialog: z.boolean().optional(),
});

export type GenerationConfigBody = z.output<typeof generationConfigSchema>;

const safetySettingSchema = message({
  category: z.string(),
  threshold: z.string(),
  method: z.string().optional(),
});

const generateShape = {
  contents: z.array(contentSchema).optional(),
  systemInstruction: contentSchema.optional(),
  tools: z.array(toolSchema).optional(),
  toolConfig: toolConfigSchema.optional(),
  safetySettings: z.array(safetySettingSchema).optional(),
  generationConfig: generationConfigSchema.optional(),
  cachedContent: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  serviceTier: z.string().optional(),
  store: z.boolean().optional(),
  model: z.string().optional(),
};

export const generateRequestSchema = message(generateShape);

export type GenerateRequestBody = z.output<typeof generateRequestSchema>;

/** Gemini API countTokens: `contents`, or a whole `generateContentRequest`; Vertex: the generate fields. */
export const countTokensRequestSchema = message({
  ...generateShape,
  generateContentRequest: generateRequestSchema.optional(),
  instances: z.array(z.unknown()).optional(),
});

const embedFields = {
  taskType: z.string().optional(),
  title: z.string().optional(),
  outputDimensionality: int.optional(),
  autoTruncate: z.boolean().optional(),
};

export const embedContentRequestSchema = message({
  model: z.string().optional(),
  content: contentSchema,
  ...embedFields,
  embedContentConfig: message({ ...embedFields, documentOcr: z.boolean().optional() }).optional(),
});

export type EmbedContentBody = z.output<typeof embedContentRequestSchema>;

export const batchEmbedRequestSchema = message({ requests: z.array(embedContentRequestSchema).max(100) });

export const predictEmbedRequestSchema = message({
  instances: z
    .array(
      message({
        content: z.string(),
        taskType: z.string().optional(),
        title: z.string().optional(),
        mimeType: z.string().optional(),
      }),
    )
    .min(1),
  parameters: message({
    outputDimensionality: int.optional(),
    autoTruncate: z.boolean().optional(),
  }).optional(),
});
