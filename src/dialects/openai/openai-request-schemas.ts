import { z } from 'zod';

/**
 * Inbound OpenAI request schemas. They validate what the gateway itself reads (with OpenAI's
 * ranges) and tolerate the rest: optional fields accept `null` as "not set", as OpenAI does, and
 * unknown top-level fields are kept so they can be passed through to OpenAI-type targets.
 */

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const refusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() });

const imagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});

const audioPartSchema = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
});

const filePartSchema = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

const userPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  imagePartSchema,
  audioPartSchema,
  filePartSchema,
]);
const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const functionCallSchema = z.object({ name: z.string().min(1), arguments: z.string() });

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: functionCallSchema,
});

const name = z.string().nullish();

const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContentSchema, name }),
  z.object({ role: z.literal('developer'), content: textContentSchema, name }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(userPartSchema)]), name }),
  z.object({
    role: z.literal('assistant'),
    content: z
      .union([z.string(), z.array(z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]))])
      .nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
    function_call: functionCallSchema.nullish(),
    name,
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContentSchema }),
  z.object({ role: z.literal('function'), name: z.string().min(1), content: z.string().nullable() }),
]);

export type OpenAIMessage = z.output<typeof messageSchema>;
export type OpenAIUserPart = z.output<typeof userPartSchema>;

const functionToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const tokenCount = z.int().positive().nullish();

export const chatCompletionRequestSchema = z.looseObject({
  /** Optional here because the Azure deployment path may name the model instead. */
  model: z.string().min(1).optional(),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.int().positive().nullish(),
  tools: z.array(functionToolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  max_tokens: tokenCount,
  max_completion_tokens: tokenCount,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.int().nullish(),
  user: z.string().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  reasoning_effort: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

export type ChatCompletionRequestBody = z.output<typeof chatCompletionRequestSchema>;

export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    z.array(z.int().nonnegative()).min(1),
    z.array(z.array(z.int().nonnegative()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.int().positive().nullish(),
  user: z.string().nullish(),
});

export type EmbeddingRequestBody = z.output<typeof embeddingRequestSchema>;
