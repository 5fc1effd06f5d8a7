import type { JsonSchema, JsonValue } from '../../core/json-schema.js';

/** OpenAPI-subset keywords with no JSON Schema meaning (or none a target should see). */
const DROPPED_KEYWORDS = new Set(['nullable', 'propertyOrdering', 'example']);

/** Google sends int64 limits as strings in proto3 JSON (`"maxItems": "3"`). */
const INTEGER_KEYWORDS = new Set([
  'maxItems',
  'minItems',
  'maxLength',
  'minLength',
  'maxProperties',
  'minProperties',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convertType(type: unknown): string | undefined {
  if (typeof type !== 'string') return undefined;
  const lower = type.toLowerCase();
  return lower === 'type_unspecified' ? undefined : lower;
}

function convertKeyword(key: string, value: unknown): JsonValue | undefined {
  if (key === 'properties' && isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, schema]) => [name, convertOpenApiSchema(schema)]),
    );
  }
  if (key === 'items') return convertOpenApiSchema(value);
  if (key === 'anyOf' && Array.isArray(value)) return value.map((schema) => convertOpenApiSchema(schema));
  if (INTEGER_KEYWORDS.has(key) && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  // Gemini marks string enums with `format: 'enum'`, which is no JSON Schema format.
  if (key === 'format' && value === 'enum') return undefined;
  return value as JsonValue;
}

/**
 * Converts Gemini's OpenAPI-subset `Schema` (upper-case `type`s such as `OBJECT`, `nullable`,
 * int64 limits as strings, `propertyOrdering`) to the JSON Schema the canonical request carries.
 * `nullable: true` becomes a `null` member of `type`; `example` becomes `examples`.
 *
 * @example
 * convertOpenApiSchema({ type: 'OBJECT', properties: { city: { type: 'STRING', nullable: true } } })
 * // { type: 'object', properties: { city: { type: ['string', 'null'] } } }
 */
export function convertOpenApiSchema(schema: unknown): JsonSchema {
  if (!isObject(schema)) return {};
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined || value === null || DROPPED_KEYWORDS.has(key)) continue;
    if (key === 'type') {
      const type = convertType(value);
      if (type !== undefined) result['type'] = type;
      continue;
    }
    const converted = convertKeyword(key, value);
    if (converted !== undefined) result[key] = converted;
  }
  if (schema['example'] !== undefined && schema['example'] !== null) {
    result['examples'] = [schema['example'] as JsonValue];
  }
  if (schema['nullable'] === true) {
    const type = result['type'];
    if (typeof type === 'string') result['type'] = [type, 'null'];
    else if (Array.isArray(result['anyOf'])) result['anyOf'] = [...result['anyOf'], { type: 'null' }];
  }
  return result;
}
