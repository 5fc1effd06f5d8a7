import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import type { Warning } from '../../core/warning.js';
import { type ConverseRequestBody, converseRequestSchema } from './bedrock-request-schemas.js';
import { convertConverseMessages } from './convert-converse-messages.js';
import { toConverseValidationError } from './format-bedrock-validation-error.js';

/** A canonical request plus what the dialect noticed while converting it. */
export interface ParsedBedrockRequest {
  request: ChatRequest;
  warnings: Warning[];
}

export interface ParseConverseOptions {
  /** The Converge model name the URL's model id mapped to. */
  model: string;
  stream: boolean;
}

/**
 * Converse fields with no canonical home, passed to Bedrock targets under `providerOptions.bedrock`
 * with their Converse names, so a Bedrock provider can put them back as they came.
 */
const BEDROCK_PASSTHROUGH = [
  'guardrailConfig',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
] as const;

type ToolConfig = NonNullable<ConverseRequestBody['toolConfig']>;

function convertTools(toolConfig: ToolConfig, warnings: Warning[]): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  toolConfig.tools.forEach((tool, index) => {
    if (tool.cachePoint !== undefined) {
      warnings.push({ type: 'other', message: 'cachePoint in toolConfig.tools is not carried to targets' });
      return;
    }
    if (tool.toolSpec === undefined) {
      throw new GatewayError(
        'unsupported_parameter',
        `The gateway does not support system tools (at 'toolConfig.tools.${index + 1}.member.systemTool').`,
        { param: `toolConfig.tools.${index + 1}.member.systemTool` },
      );
    }
    const { name, description, inputSchema, strict } = tool.toolSpec;
    const definition: ToolDefinition = {
      name,
      inputSchema: (inputSchema.json ?? { type: 'object', properties: {} }) as JsonSchema,
    };
    if (description !== undefined) definition.description = description;
    if (strict !== undefined) definition.strict = strict;
    tools.push(definition);
  });
  return tools;
}

function convertToolChoice(choice: NonNullable<ToolConfig['toolChoice']>): ToolChoice {
  if (choice.tool !== undefined) return { type: 'tool', toolName: choice.tool.name };
  return choice.any !== undefined ? { type: 'required' } : { type: 'auto' };
}

/** `top_k` is the one model-native extra with a canonical field; the rest travels as it came. */
function splitAdditionalFields(fields: Record<string, unknown> | undefined): {
  topK: number | undefined;
  rest: Record<string, unknown> | undefined;
} {
  if (fields === undefined) return { topK: undefined, rest: undefined };
  const { top_k: topK, ...rest } = fields;
  if (topK !== undefined && (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 0)) {
    throw new GatewayError(
      'invalid_request',
      `1 validation error detected: Value at 'additionalModelRequestFields.top_k' failed to satisfy constraint: Member must be a non-negative integer`,
      { param: 'additionalModelRequestFields.top_k' },
    );
  }
  return { topK, rest: Object.keys(rest).length > 0 ? rest : undefined };
}

function bedrockOptions(body: ConverseRequestBody, additional: Record<string, unknown> | undefined) {
  const options: Record<string, unknown> = {};
  for (const field of BEDROCK_PASSTHROUGH) if (body[field] !== undefined) options[field] = body[field];
  if (additional !== undefined) options['additionalModelRequestFields'] = additional;
  return Object.keys(options).length > 0 ? options : undefined;
}

/**
 * Parses a Converse / ConverseStream body into the canonical request. The model comes from the URL.
 * Validation failures name the field in AWS's words (`ValidationException`); content the gateway
 * cannot carry is refused, not dropped.
 *
 * @example
 * parseConverseRequest({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }, { model: 'claude', stream: false })
 */
export function parseConverseRequest(body: unknown, options: ParseConverseOptions): ParsedBedrockRequest {
  const parsed = converseRequestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw toConverseValidationError(parsed.error);
  const input = parsed.data;
  const { messages, warnings } = convertConverseMessages(input);
  const request: ChatRequest = { model: options.model, messages, stream: options.stream };
  const inference = input.inferenceConfig;
  if (inference?.maxTokens !== undefined) request.maxOutputTokens = inference.maxTokens;
  if (inference?.temperature !== undefined) request.temperature = inference.temperature;
  if (inference?.topP !== undefined) request.topP = inference.topP;
  if (inference?.stopSequences !== undefined) request.stopSequences = inference.stopSequences;
  if (input.toolConfig !== undefined) {
    request.tools = convertTools(input.toolConfig, warnings);
    if (input.toolConfig.toolChoice !== undefined)
      request.toolChoice = convertToolChoice(input.toolConfig.toolChoice);
  }
  const { topK, rest } = splitAdditionalFields(input.additionalModelRequestFields);
  if (topK !== undefined) request.topK = topK;
  const bedrock = bedrockOptions(input, rest);
  if (bedrock !== undefined) request.providerOptions = { bedrock };
  return { request, warnings };
}
