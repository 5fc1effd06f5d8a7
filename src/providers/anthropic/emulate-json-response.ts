import type { ResponseFormat } from '../../core/chat-request.js';
import type { JsonSchema } from '../../core/json-schema.js';

/** How a `responseFormat` was turned into a forced tool, so its input can be read back as the answer. */
export interface JsonToolEmulation {
  name: string;
  /** The schema's root was not an object: the tool takes `{value: …}` and the answer is `value`. */
  wrapped: boolean;
}

export interface AnthropicToolParam {
  name: string;
  description?: string;
  input_schema: JsonSchema;
}

const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };

/**
 * Anthropic has no JSON mode. `responseFormat` json / json-schema is emulated the documented way:
 * one extra tool whose input schema is the wanted schema, forced with `tool_choice`; its `input` is
 * returned as the text answer and the stop reads as a normal stop. A schema whose root is not an
 * object is wrapped in `{value}` (tool inputs must be objects) and unwrapped on the way back.
 *
 * @example emulateJsonResponse({ type: 'json' }, new Set())?.tool.name // 'json'
 */
export function emulateJsonResponse(
  format: ResponseFormat | undefined,
  takenNames: ReadonlySet<string>,
): { tool: AnthropicToolParam; emulation: JsonToolEmulation } | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  let name = 'json';
  while (takenNames.has(name)) name = `${name}_response`;
  const schema = format.type === 'json-schema' ? format.schema : ANY_OBJECT;
  const wrapped = schema['type'] !== 'object';
  const description =
    format.type === 'json-schema' && format.description !== undefined
      ? format.description
      : 'Respond with a JSON object that matches the input schema.';
  return {
    tool: {
      name,
      description,
      input_schema: wrapped ? { type: 'object', properties: { value: schema }, required: ['value'] } : schema,
    },
    emulation: { name, wrapped },
  };
}

/**
 * The JSON text of the answer held in the emulating tool's input.
 * @example readJsonToolInput({ value: [1, 2] }, { name: 'json', wrapped: true }) // '[1,2]'
 */
export function readJsonToolInput(input: unknown, emulation: JsonToolEmulation): string {
  const value =
    emulation.wrapped && typeof input === 'object' && input !== null && 'value' in input
      ? (input as { value: unknown }).value
      : input;
  return JSON.stringify(value ?? {});
}
