import { isJsonSchema, type JsonSchema } from '../engine/json-schema-value.js';

/**
 * Reads a Gemini OpenAPI-subset schema (`type: 'OBJECT'`, `nullable`, `format: 'enum'`) as the JSON
 * Schema the engine generates from: types lower-cased, recursively through properties, items and anyOf.
 *
 * @example
 * openApiToJsonSchema({ type: 'OBJECT', properties: { city: { type: 'STRING' } } });
 * // { type: 'object', properties: { city: { type: 'string' } } }
 */
export function openApiToJsonSchema(schema: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out[key] = value.toLowerCase();
    else if (key === 'properties' && isJsonSchema(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isJsonSchema(child) ? openApiToJsonSchema(child) : child,
        ]),
      );
    } else if (key === 'items' && isJsonSchema(value)) out[key] = openApiToJsonSchema(value);
    else if (key === 'anyOf' && Array.isArray(value)) {
      out[key] = value.map((branch) => (isJsonSchema(branch) ? openApiToJsonSchema(branch) : branch));
    } else if (key !== 'nullable' && key !== 'propertyOrdering') out[key] = value;
  }
  return out;
}
