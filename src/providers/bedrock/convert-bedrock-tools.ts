import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import type { JsonSchema } from '../../core/json-schema.js';
import type { Warning } from '../../core/warning.js';

export type BedrockToolSpec = {
  toolSpec: { name: string; description?: string; inputSchema: { json: JsonSchema }; strict?: true };
};
export type BedrockToolChoice =
  | { auto: Record<string, never> }
  | { any: Record<string, never> }
  | { tool: { name: string } };
export interface BedrockToolConfig {
  tools: BedrockToolSpec[];
  toolChoice?: BedrockToolChoice;
}

/**
 * The synthetic tool that carries a JSON answer. Bedrock has no JSON mode that every model honours,
 * so `responseFormat` json / json-schema becomes one tool whose input schema is the answer's schema,
 * and the model is made to call it; its input is handed back as the answer text. Tool inputs must
 * be objects, so a non-object schema is wrapped as `{ value: … }` and unwrapped again.
 */
export interface JsonResponseTool {
  name: string;
  wrapped: boolean;
}

export interface BedrockTools {
  toolConfig: BedrockToolConfig | undefined;
  jsonResponseTool: JsonResponseTool | undefined;
  /** `any` or `tool`: Claude cannot think while a call is forced. */
  forcesToolUse: boolean;
}

export interface BedrockToolOptions {
  /** Whether `toolChoice` `any`/`tool` is accepted (Claude, Nova, Mistral); the rest take only `auto`. */
  supportsForcedToolChoice: boolean;
  /** The history holds tool blocks: Bedrock then rejects a request without `toolConfig`. */
  hasToolBlocks: boolean;
}

/** Advertised only so that a history with tool blocks is accepted when no tool may be called. */
const PLACEHOLDER_TOOL: BedrockToolSpec = {
  toolSpec: {
    name: 'unavailable_tool',
    description: 'No tool is available in this turn. Do not call this tool.',
    inputSchema: { json: { type: 'object', properties: {} } },
  },
};

/**
 * Builds `toolConfig`: tools as `toolSpec`s, tool choice (`auto` → `{auto:{}}`, `required` →
 * `{any:{}}`, a named tool → `{tool:{name}}`; `none` has no Bedrock form, so the tools are withheld
 * with a warning) and the JSON-answer tool for `responseFormat`.
 *
 * @example
 * const { toolConfig, jsonResponseTool } = convertBedrockTools(request, options, warnings);
 */
export function convertBedrockTools(
  request: ChatRequest,
  options: BedrockToolOptions,
  warnings: Warning[],
): BedrockTools {
  let tools = (request.tools ?? []).map(convertTool);
  const choice = request.toolChoice;
  let toolChoice: BedrockToolChoice | undefined;
  if (choice?.type === 'none' && tools.length > 0) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'toolChoice',
      details: 'Bedrock has no "none" tool choice; the tools were not sent',
    });
    tools = [];
  } else if (tools.length > 0 && choice !== undefined && choice.type !== 'none') {
    toolChoice = convertToolChoice(choice);
  }
  if (request.parallelToolCalls === false && tools.length > 0) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'parallelToolCalls',
      details: 'Converse cannot turn parallel tool calls off',
    });
  }
  let jsonResponseTool: JsonResponseTool | undefined;
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    if (choice?.type === 'tool' && tools.length > 0) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'responseFormat',
        details: `the answer is a forced call to ${choice.toolName}; no JSON answer is emulated`,
      });
    } else {
      const answer = createJsonResponseTool(format, new Set(tools.map((tool) => tool.toolSpec.name)));
      jsonResponseTool = answer.tool;
      tools.push(answer.spec);
      toolChoice = forcedChoice(tools, answer.tool.name, options, warnings);
    }
  }
  if (tools.length === 0) {
    return {
      toolConfig: options.hasToolBlocks ? { tools: [PLACEHOLDER_TOOL] } : undefined,
      jsonResponseTool: undefined,
      forcesToolUse: false,
    };
  }
  return {
    toolConfig: { tools, ...(toolChoice === undefined ? {} : { toolChoice }) },
    jsonResponseTool,
    forcesToolUse: toolChoice !== undefined && !('auto' in toolChoice),
  };
}

function convertToolChoice(choice: Exclude<ToolChoice, { type: 'none' }>): BedrockToolChoice {
  switch (choice.type) {
    case 'auto':
      return { auto: {} };
    case 'required':
      return { any: {} };
    case 'tool':
      return { tool: { name: choice.toolName } };
  }
}

function forcedChoice(
  tools: BedrockToolSpec[],
  answerToolName: string,
  options: BedrockToolOptions,
  warnings: Warning[],
): BedrockToolChoice {
  if (!options.supportsForcedToolChoice) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'responseFormat',
      details: 'this model cannot be made to call a tool; a JSON answer is asked for but not guaranteed',
    });
    return { auto: {} };
  }
  // With the caller's tools offered too, the model may call one of them or answer through ours.
  return tools.length === 1 ? { tool: { name: answerToolName } } : { any: {} };
}

function convertTool(tool: ToolDefinition): BedrockToolSpec {
  return {
    toolSpec: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: { json: tool.inputSchema },
      ...(tool.strict === true ? { strict: true as const } : {}),
    },
  };
}

function createJsonResponseTool(
  format: Exclude<ResponseFormat, { type: 'text' }>,
  takenNames: Set<string>,
): { tool: JsonResponseTool; spec: BedrockToolSpec } {
  const schema: JsonSchema = format.type === 'json-schema' ? format.schema : { type: 'object' };
  const wrapped = schema['type'] !== 'object';
  const base = format.type === 'json-schema' ? toolName(format.name) : 'json_response';
  let name = base;
  for (let count = 2; takenNames.has(name); count++) name = `${base.slice(0, 60)}_${count}`;
  const description =
    (format.type === 'json-schema' ? format.description : undefined) ??
    'Give your final answer by calling this tool; its input is the answer.';
  return {
    tool: { name, wrapped },
    spec: {
      toolSpec: {
        name,
        description,
        inputSchema: {
          json: wrapped ? { type: 'object', properties: { value: schema }, required: ['value'] } : schema,
        },
        ...(format.type === 'json-schema' && format.strict === true ? { strict: true as const } : {}),
      },
    },
  };
}

/** Bedrock tool names match `[a-zA-Z0-9_-]{1,64}`. */
function toolName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'json_response' : cleaned;
}
