import { z } from 'zod';

/**
 * Inbound Converse / ConverseStream request schemas (botocore `bedrock-runtime` 2023-09-30). Unions
 * such as ContentBlock are objects with exactly one member set; they are strict, as the service is,
 * so a misspelt member is named in the error instead of silently dropped.
 */

const blob = z.string().min(1);
/** A Smithy `document`: any JSON value. */
const document = z.unknown();
const jsonObject = z.record(z.string(), z.unknown());

/** Builds a Smithy union: a strict object whose members are all optional, refined to exactly one. */
function union<Shape extends z.ZodRawShape>(shape: Shape) {
  const members = Object.keys(shape);
  return z.strictObject(shape).superRefine((value, context) => {
    const set = members.filter((member) => (value as Record<string, unknown>)[member] !== undefined);
    if (set.length !== 1) {
      context.addIssue({
        code: 'custom',
        message: `Member must have exactly one of the following fields set: [${members.join(', ')}]`,
        input: value,
      });
    }
  });
}

export const cachePointSchema = z.strictObject({
  type: z.literal('default'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const s3LocationSchema = z.strictObject({ uri: z.string().min(1), bucketOwner: z.string().optional() });

export const imageBlockSchema = z.strictObject({
  format: z.enum(['png', 'jpeg', 'gif', 'webp']),
  source: union({ bytes: blob.optional(), s3Location: s3LocationSchema.optional() }),
});

export const DOCUMENT_FORMATS = ['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md'] as const;

export const documentBlockSchema = z.strictObject({
  format: z.enum(DOCUMENT_FORMATS).optional(),
  name: z.string().min(1),
  source: union({
    bytes: blob.optional(),
    s3Location: s3LocationSchema.optional(),
    text: z.string().optional(),
    content: z.array(z.unknown()).optional(),
  }),
  context: z.string().optional(),
  citations: z.strictObject({ enabled: z.boolean() }).optional(),
});

const audioBlockSchema = z.strictObject({
  format: z.string().min(1),
  source: union({ bytes: blob.optional(), s3Location: s3LocationSchema.optional() }),
});

const toolUseBlockSchema = z.strictObject({
  toolUseId: z.string().min(1),
  name: z.string().min(1),
  input: document,
  type: z.string().optional(),
});

const toolResultContentSchema = union({
  text: z.string().optional(),
  json: document.optional(),
  image: imageBlockSchema.optional(),
  document: documentBlockSchema.optional(),
  video: z.unknown().optional(),
  searchResult: z.unknown().optional(),
});

const toolResultBlockSchema = z.strictObject({
  toolUseId: z.string().min(1),
  content: z.array(toolResultContentSchema),
  status: z.enum(['success', 'error']).optional(),
  type: z.string().optional(),
});

const reasoningBlockSchema = union({
  reasoningText: z.strictObject({ text: z.string(), signature: z.string().optional() }).optional(),
  redactedContent: blob.optional(),
});

const guardContentSchema = union({
  text: z
    .strictObject({
      text: z.string(),
      qualifiers: z.array(z.enum(['grounding_source', 'query', 'guard_content'])).optional(),
    })
    .optional(),
  image: z.unknown().optional(),
});

export const contentBlockSchema = union({
  text: z.string().optional(),
  image: imageBlockSchema.optional(),
  document: documentBlockSchema.optional(),
  video: z.unknown().optional(),
  audio: audioBlockSchema.optional(),
  toolUse: toolUseBlockSchema.optional(),
  toolResult: toolResultBlockSchema.optional(),
  reasoningContent: reasoningBlockSchema.optional(),
  cachePoint: cachePointSchema.optional(),
  guardContent: guardContentSchema.optional(),
  citationsContent: z.unknown().optional(),
  searchResult: z.unknown().optional(),
});

const systemBlockSchema = union({
  text: z.string().optional(),
  guardContent: guardContentSchema.optional(),
  cachePoint: cachePointSchema.optional(),
});

const toolSchema = union({
  toolSpec: z
    .strictObject({
      name: z.string().min(1).max(64),
      description: z.string().min(1).optional(),
      inputSchema: union({ json: jsonObject.optional() }),
      strict: z.boolean().optional(),
    })
    .optional(),
  cachePoint: cachePointSchema.optional(),
  systemTool: z.strictObject({ name: z.string().min(1) }).optional(),
});

const toolChoiceSchema = union({
  auto: z.strictObject({}).optional(),
  any: z.strictObject({}).optional(),
  tool: z.strictObject({ name: z.string().min(1) }).optional(),
});

export const converseRequestSchema = z.strictObject({
  /** Clients may repeat the URL's model id in the body; the URL wins. */
  modelId: z.string().optional(),
  messages: z.array(
    z.strictObject({ role: z.enum(['user', 'assistant']), content: z.array(contentBlockSchema) }),
  ),
  system: z.array(systemBlockSchema).optional(),
  inferenceConfig: z
    .strictObject({
      maxTokens: z.number().int().min(1).optional(),
      temperature: z.number().min(0).max(1).optional(),
      topP: z.number().min(0).max(1).optional(),
      stopSequences: z.array(z.string().min(1)).max(2500).optional(),
    })
    .optional(),
  toolConfig: z
    .strictObject({ tools: z.array(toolSchema).min(1), toolChoice: toolChoiceSchema.optional() })
    .optional(),
  guardrailConfig: jsonObject.optional(),
  additionalModelRequestFields: jsonObject.optional(),
  additionalModelResponseFieldPaths: z.array(z.string()).optional(),
  promptVariables: jsonObject.optional(),
  requestMetadata: z.record(z.string(), z.string()).optional(),
  performanceConfig: z.strictObject({ latency: z.enum(['standard', 'optimized']) }).optional(),
  serviceTier: z.strictObject({ type: z.enum(['priority', 'default', 'flex', 'reserved']) }).optional(),
  outputConfig: jsonObject.optional(),
});

export type ConverseRequestBody = z.output<typeof converseRequestSchema>;
export type ContentBlock = z.output<typeof contentBlockSchema>;
export type ImageBlock = z.output<typeof imageBlockSchema>;
export type DocumentBlock = z.output<typeof documentBlockSchema>;
export type CachePoint = z.output<typeof cachePointSchema>;
export type ToolResultContent = z.output<typeof toolResultContentSchema>;
