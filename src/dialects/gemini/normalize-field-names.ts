/**
 * Fields whose values belong to the caller (function arguments and results, JSON Schemas, labels,
 * schema literals): copied as they are, never renamed.
 */
const OPAQUE_FIELDS = new Set([
  'args',
  'response',
  'parametersJsonSchema',
  'responseJsonSchema',
  'labels',
  'default',
  'example',
  'enum',
]);

// Only bodies that mention a snake_case key need the walk.
const SNAKE_KEY = /"[A-Za-z0-9]+_[A-Za-z0-9_]*"\s*:/;

function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = key.includes('_') ? toCamelCase(key) : key;
    if (OPAQUE_FIELDS.has(name)) result[name] = child;
    else if (name === 'properties' && isRecord(child)) {
      // Property names are the caller's; the schemas under them are not.
      result[name] = Object.fromEntries(
        Object.entries(child).map(([property, schema]) => [property, normalizeValue(schema)]),
      );
    } else result[name] = normalizeValue(child);
  }
  return result;
}

/**
 * Google's REST APIs speak proto3 JSON, which accepts `snake_case` field names as well as
 * `camelCase` (the REST samples use `inline_data`, `generation_config` …). This renames them to
 * camelCase so one schema reads both, leaving caller-owned values (function arguments, JSON
 * Schemas, property names) untouched. `text` is the raw body, used to skip the walk when no key
 * has an underscore.
 *
 * @example
 * normalizeFieldNames({ generation_config: { max_output_tokens: 5 } }, '"generation_config":')
 * // { generationConfig: { maxOutputTokens: 5 } }
 */
export function normalizeFieldNames(body: unknown, text: string): unknown {
  return SNAKE_KEY.test(text) ? normalizeValue(body) : body;
}
