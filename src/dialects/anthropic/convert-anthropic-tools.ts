import type { ChatRequest, ToolDefinition } from '../../core/chat-request.js';
import type { JsonSchema } from '../../core/json-schema.js';
import type { Warning } from '../../core/warning.js';
import type {
  AnthropicCustomTool,
  AnthropicServerTool,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-request-schemas.js';
import { unsupportedFeature } from './convert-anthropic-content.js';

/** Fields of a client tool the canonical definition carries; any other is reported as a warning. */
const TOOL_FIELDS = new Set(['type', 'name', 'description', 'input_schema', 'strict', 'cache_control']);

function isServerTool(tool: AnthropicTool): tool is AnthropicServerTool {
  return typeof tool.type === 'string' && tool.type !== 'custom';
}

function toToolDefinition(tool: AnthropicCustomTool, param: string, warnings: Warning[]): ToolDefinition {
  // The schema came from JSON.parse, so it is plain JSON.
  const definition: ToolDefinition = { name: tool.name, inputSchema: tool.input_schema as JsonSchema };
  if (tool.description !== undefined && tool.description !== null) definition.description = tool.description;
  if (tool.strict !== undefined && tool.strict !== null) definition.strict = tool.strict;
  if (tool.cache_control !== undefined && tool.cache_control !== null) {
    warnings.push({
      type: 'unsupported-setting',
      setting: `${param}.cache_control`,
      details: 'breakpoints on tools are not supported; a system breakpoint also caches the tools',
    });
  }
  for (const key of Object.keys(tool)) {
    if (!TOOL_FIELDS.has(key)) warnings.push({ type: 'unsupported-setting', setting: `${param}.${key}` });
  }
  return definition;
}

/**
 * Client tools → canonical tool definitions. Server tools (`web_search_20250305`, `bash_20250124`
 * …) run inside Anthropic's own service and have no equivalent on other targets, so they are
 * refused with 400 `unsupported_parameter` rather than silently dropped.
 *
 * @example
 * convertAnthropicTools([{ name: 'get_weather', input_schema: { type: 'object' } }], [])
 * // [{ name: 'get_weather', inputSchema: { type: 'object' } }]
 */
export function convertAnthropicTools(
  tools: readonly AnthropicTool[],
  warnings: Warning[],
): ToolDefinition[] {
  return tools.map((tool, index) => {
    const param = `tools.${index}`;
    if (isServerTool(tool)) {
      throw unsupportedFeature(
        `${param}.type`,
        `server tools such as \`${tool.type}\` are not supported; define a client tool with \`input_schema\` instead.`,
      );
    }
    return toToolDefinition(tool, param, warnings);
  });
}

/**
 * `tool_choice` → canonical tool choice (`any` is `required`) and `disable_parallel_tool_use` →
 * `parallelToolCalls: false`.
 *
 * @example
 * applyToolChoice(request, { type: 'any', disable_parallel_tool_use: true });
 * // request.toolChoice = { type: 'required' }, request.parallelToolCalls = false
 */
export function applyToolChoice(request: ChatRequest, choice: AnthropicToolChoice): void {
  switch (choice.type) {
    case 'auto':
      request.toolChoice = { type: 'auto' };
      break;
    case 'any':
      request.toolChoice = { type: 'required' };
      break;
    case 'tool':
      request.toolChoice = { type: 'tool', toolName: choice.name };
      break;
    case 'none':
      request.toolChoice = { type: 'none' };
      return;
  }
  if (choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
}
