import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/json-schema.js';
import { convertOpenApiSchema } from './convert-openapi-schema.js';
import type { GeminiRequestExtras } from './gemini-request-extras.js';
import type { FunctionDeclaration, GenerateContentRequestBody } from './gemini-request-schemas.js';

type Tools = NonNullable<GenerateContentRequestBody['tools']>;
type ToolConfig = NonNullable<GenerateContentRequestBody['toolConfig']>;

/** Declaration fields the canonical tool holds; others (`response`, `behavior` …) only Google applies. */
const DECLARATION_FIELDS = new Set(['name', 'description', 'parameters', 'parametersJsonSchema']);

function toToolDefinition(declaration: FunctionDeclaration): ToolDefinition {
  const inputSchema: JsonSchema =
    (declaration.parametersJsonSchema as JsonSchema | null | undefined) ??
    (declaration.parameters
      ? convertOpenApiSchema(declaration.parameters)
      : { type: 'object', properties: {} });
  const tool: ToolDefinition = { name: declaration.name, inputSchema };
  if (declaration.description != null) tool.description = declaration.description;
  return tool;
}

/**
 * `tools[].functionDeclarations` become canonical tools (`parameters` converted from Gemini's
 * OpenAPI subset, `parametersJsonSchema` as it is). Built-in tools (`googleSearch`,
 * `codeExecution`, `urlContext` …) and declaration fields such as `response` or `behavior` have no
 * canonical form: when there are any, the whole `tools` list goes to `providerOptions.gemini.tools`,
 * which a Google target sends in place of its own.
 */
export function convertGeminiTools(
  tools: Tools,
  passthrough: Record<string, unknown>,
  extras: GeminiRequestExtras,
): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  const googleOnly: string[] = [];
  for (const [index, tool] of tools.entries()) {
    for (const [position, declaration] of (tool.functionDeclarations ?? []).entries()) {
      definitions.push(toToolDefinition(declaration));
      for (const key of Object.keys(declaration)) {
        if (!DECLARATION_FIELDS.has(key))
          googleOnly.push(`tools[${index}].functionDeclarations[${position}].${key}`);
      }
    }
    for (const [key, value] of Object.entries(tool)) {
      if (key !== 'functionDeclarations' && value !== null && value !== undefined) {
        googleOnly.push(`tools[${index}].${key}`);
      }
    }
  }
  // A Google target sends these tools in place of its own, so nothing Gemini-specific is lost.
  if (googleOnly.length > 0) passthrough['tools'] = tools;
  extras.googleOnlySettings.push(...googleOnly);
  return definitions;
}

function checkAllowedNames(allowed: readonly string[], tools: readonly ToolDefinition[]): void {
  const known = new Set(tools.map((tool) => tool.name));
  const missing = allowed.find((name) => !known.has(name));
  if (missing !== undefined) {
    throw new GatewayError(
      'invalid_request',
      `Invalid 'toolConfig.functionCallingConfig.allowedFunctionNames': '${missing}' is not a declared function.`,
      { param: 'toolConfig.functionCallingConfig.allowedFunctionNames' },
    );
  }
}

/**
 * `functionCallingConfig` → tool choice: NONE → none, ANY → required (one allowed name → that
 * tool; several → the tools narrowed to them), AUTO → auto. VALIDATED (constrained calls, free
 * text allowed) is approximated as auto; the exact config stays in `providerOptions.gemini`.
 *
 * @example
 * applyToolConfig(request, { functionCallingConfig: { mode: 'NONE' } }, {}, emptyRequestExtras());
 * request.toolChoice // { type: 'none' }
 */
export function applyToolConfig(
  request: ChatRequest,
  toolConfig: ToolConfig,
  passthrough: Record<string, unknown>,
  extras: GeminiRequestExtras,
): void {
  passthrough['toolConfig'] = toolConfig;
  for (const key of Object.keys(toolConfig)) {
    if (key !== 'functionCallingConfig') extras.googleOnlySettings.push(`toolConfig.${key}`);
  }
  const config = toolConfig.functionCallingConfig;
  const mode = config?.mode ?? undefined;
  if (mode === undefined) return;
  const allowed = config?.allowedFunctionNames ?? [];
  if (allowed.length > 0) checkAllowedNames(allowed, request.tools ?? []);
  let choice: ToolChoice = { type: 'auto' };
  if (mode === 'NONE') choice = { type: 'none' };
  else if (mode === 'ANY') {
    const [only] = allowed;
    choice =
      allowed.length === 1 && only !== undefined ? { type: 'tool', toolName: only } : { type: 'required' };
    if (allowed.length > 1) request.tools = request.tools?.filter((tool) => allowed.includes(tool.name));
  } else if (mode === 'VALIDATED') {
    extras.googleOnlySettings.push('toolConfig.functionCallingConfig.mode');
  }
  request.toolChoice = choice;
}
