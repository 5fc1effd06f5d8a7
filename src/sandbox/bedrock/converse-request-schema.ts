import { z } from 'zod';

/**
 * Converse / ConverseStream request bodies (`rest-json`, so members are camelCase and blobs base64).
 * Objects are loose: the service ignores members it does not know rather than failing the call.
 * Union structures (ContentBlock, SystemContentBlock, Tool, ToolChoice) must set exactly one member;
 * `exactlyOne` reports the member list the way the service does.
 */

const cachePointSchema = z.object({ type: z.literal('default'), ttl: z.enum(['5m', '1h']).optional() });

const imageSchema = z.object({
  format: z.enum(['png', 'jpeg', 'gif', 'webp']),
  source: z.object({ bytes: z.string().optional(), s3Location: z.object({ uri: z.string() }).optional() }),
});

const documentSchema = z.object({
  format: z.enum(['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md']),
  name: z.string().min(1),
  source: z.object({
    bytes: z.string().optional(),
    text: z.string().optional(),
    s3Location: z.object({ uri: z.string() }).optional(),
  }),
});

const toolResultContentSchema = z.object({
  text: z.string().optional(),
  json: z.unknown().optional(),
  image: imageSchema.optional(),
  document: documentSchema.optional(),
});

const guardContentSchema = z.object({
  text: z.object({ text: z.string(), qualifiers: z.array(z.string()).optional() }).optional(),
  image: imageSchema.optional(),
});

function exactlyOne<Shape extends z.ZodRawShape>(shape: Shape, members: readonly string[]) {
  return z.object(shape).superRefine((value, context) => {
    const set = members.filter((member) => (value as Record<string, unknown>)[member] !== undefined);
    if (set.length === 1) return;
    context.addIssue({
      code: 'custom',
      message:
        set.length === 0
          ? `Member must set exactly one of the following keys: ${members.join(', ')}`
          : `Member must set only one of the following keys, but found: ${set.join(', ')}`,
    });
  });
}

const CONTENT_MEMBERS = [
  'text',
  'image',
  'document',
  'video',
  'audio',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
  'searchResult',
] as const;

export const contentBlockSchema = exactlyOne(
  {
    text: z.string().optional(),
    image: imageSchema.optional(),
    document: documentSchema.optional(),
    video: z.record(z.string(), z.unknown()).optional(),
    audio: z.record(z.string(), z.unknown()).optional(),
    toolUse: z
      .object({ toolUseId: z.string().min(1).max(64), name: z.string().min(1).max(64), input: z.unknown() })
      .optional(),
    toolResult: z
      .object({
        toolUseId: z.string().min(1).max(64),
        content: z.array(toolResultContentSchema),
        status: z.enum(['success', 'error']).optional(),
      })
      .optional(),
    guardContent: guardContentSchema.optional(),
    cachePoint: cachePointSchema.optional(),
    reasoningContent: z
      .object({
        reasoningText: z.object({ text: z.string(), signature: z.string().optional() }).optional(),
        redactedContent: z.string().optional(),
      })
      .optional(),
    citationsContent: z.record(z.string(), z.unknown()).optional(),
    searchResult: z.record(z.string(), z.unknown()).optional(),
  },
  CONTENT_MEMBERS,
);

const systemBlockSchema = exactlyOne(
  {
    text: z.string().optional(),
    guardContent: guardContentSchema.optional(),
    cachePoint: cachePointSchema.optional(),
  },
  ['text', 'guardContent', 'cachePoint'],
);

const toolSchema = exactlyOne(
  {
    toolSpec: z
      .object({
        name: z.string().min(1).max(64),
        description: z.string().min(1).optional(),
        inputSchema: z.object({ json: z.record(z.string(), z.unknown()) }),
      })
      .optional(),
    cachePoint: cachePointSchema.optional(),
    systemTool: z.object({ name: z.string().min(1) }).optional(),
  },
  ['toolSpec', 'cachePoint', 'systemTool'],
);

const toolChoiceSchema = exactlyOne(
  {
    auto: z.object({}).optional(),
    any: z.object({}).optional(),
    tool: z.object({ name: z.string().min(1).max(64) }).optional(),
  },
  ['auto', 'any', 'tool'],
);

export const converseRequestSchema = z.object({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(contentBlockSchema) })),
  system: z.array(systemBlockSchema).optional(),
  inferenceConfig: z
    .object({
      maxTokens: z.number().int().min(1).optional(),
      temperature: z.number().min(0).max(1).optional(),
      topP: z.number().min(0).max(1).optional(),
      stopSequences: z.array(z.string().min(1)).max(2_500).optional(),
    })
    .optional(),
  toolConfig: z
    .object({ tools: z.array(toolSchema).min(1), toolChoice: toolChoiceSchema.optional() })
    .optional(),
  guardrailConfig: z
    .object({
      guardrailIdentifier: z.string().min(1),
      guardrailVersion: z.string().min(1),
      trace: z.enum(['enabled', 'disabled', 'enabled_full']).optional(),
      streamProcessingMode: z.enum(['sync', 'async']).optional(),
    })
    .optional(),
  additionalModelRequestFields: z.unknown().optional(),
  additionalModelResponseFieldPaths: z.array(z.string()).optional(),
  requestMetadata: z.record(z.string(), z.string()).optional(),
});

export type ConverseRequestBody = z.output<typeof converseRequestSchema>;
export type ContentBlockBody = z.output<typeof contentBlockSchema>;
export type GuardrailConfigBody = NonNullable<ConverseRequestBody['guardrailConfig']>;
