import type { Prng } from './prng.js';

/** A JSON Schema as it arrives on the wire: an open object read defensively. */
export type JsonSchema = { readonly [key: string]: unknown };
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonValueContext {
  prng: Prng;
  /** Words strings are built from: typically words of the prompt first, then the fixed vocabulary. */
  words: readonly string[];
  /** The root schema, for resolving local `$ref`s (`#/$defs/x`, `#/definitions/x`). */
  root: JsonSchema;
}

// Deep enough for real tool schemas, shallow enough that recursive `$ref`s terminate.
const MAX_DEPTH = 8;

export function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#')) return schema;
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    target = isJsonSchema(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isJsonSchema(target) ? target : {};
}

/** The schema's type, taking the first non-null entry of a type array and inferring from keywords. */
function schemaType(schema: JsonSchema): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') ?? type[0];
  if (isJsonSchema(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

/** allOf branches merged shallowly: enough for the "base + extension" shape generators emit. */
function mergeAllOf(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const branches = schema['allOf'];
  if (!Array.isArray(branches)) return schema;
  const properties: Record<string, unknown> = {};
  const required: unknown[] = [];
  let merged: Record<string, unknown> = { ...schema, allOf: undefined };
  for (const branch of branches) {
    if (!isJsonSchema(branch)) continue;
    const resolved = resolveRef(branch, root);
    merged = { ...resolved, ...merged };
    if (isJsonSchema(resolved['properties'])) Object.assign(properties, resolved['properties']);
    if (Array.isArray(resolved['required'])) required.push(...resolved['required']);
  }
  if (isJsonSchema(schema['properties'])) Object.assign(properties, schema['properties']);
  if (Array.isArray(schema['required'])) required.push(...schema['required']);
  return { ...merged, type: merged['type'] ?? 'object', properties, required };
}

/**
 * Generates a deterministic value that validates against `schema` (the subset real tool and
 * structured-output schemas use: types, enum, const, anyOf/oneOf (first branch), allOf, $ref, bounds,
 * string formats, required/optional properties). `pattern` is not honoured.
 * @example generateJsonValue({type: 'object', properties: {city: {type: 'string'}}, required: ['city']}, context)
 */
export function generateJsonValue(schema: JsonSchema, context: JsonValueContext, depth = 0): JsonValue {
  // A schema whose *required* properties recurse has no finite instance; give up rather than overflow.
  if (depth > MAX_DEPTH * 4) return null;
  const resolved = mergeAllOf(resolveRef(schema, context.root), context.root);
  if ('const' in resolved) return (resolved['const'] ?? null) as JsonValue;
  const enumValues = resolved['enum'];
  if (Array.isArray(enumValues) && enumValues.length > 0) return context.prng.pick(enumValues) as JsonValue;
  for (const keyword of ['anyOf', 'oneOf']) {
    const branches = resolved[keyword];
    if (!Array.isArray(branches)) continue;
    // The first non-null branch: a value for it is valid for the whole union.
    const branch = branches.find((entry) => isJsonSchema(entry) && entry['type'] !== 'null') ?? branches[0];
    return isJsonSchema(branch) ? generateJsonValue(branch, context, depth + 1) : null;
  }
  switch (schemaType(resolved)) {
    case 'object':
      return generateObject(resolved, context, depth);
    case 'array':
      return generateArray(resolved, context, depth);
    case 'string':
      return generateString(resolved, context);
    case 'integer':
      return generateNumber(resolved, context, true);
    case 'number':
      return generateNumber(resolved, context, false);
    case 'boolean':
      return context.prng.next() < 0.5;
    case 'null':
      return null;
    default:
      return generateString({}, context);
  }
}

function generateObject(schema: JsonSchema, context: JsonValueContext, depth: number): JsonValue {
  const result: { [key: string]: JsonValue } = {};
  const properties = isJsonSchema(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  for (const [name, propertySchema] of Object.entries(properties)) {
    const include = required.has(name) || (depth < MAX_DEPTH && context.prng.next() < 0.5);
    if (include && isJsonSchema(propertySchema)) {
      result[name] = generateJsonValue(propertySchema, context, depth + 1);
    }
  }
  return result;
}

function generateArray(schema: JsonSchema, context: JsonValueContext, depth: number): JsonValue {
  const minItems = Math.max(0, numberOr(schema['minItems'], 0));
  const maxItems = numberOr(schema['maxItems'], Math.max(minItems, 3));
  const count =
    depth >= MAX_DEPTH ? minItems : context.prng.integer(Math.max(minItems, 1), Math.max(minItems, maxItems));
  const items = isJsonSchema(schema['items']) ? schema['items'] : {};
  const prefix = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] : [];
  const values: JsonValue[] = [];
  for (let index = 0; index < count; index++) {
    const itemSchema = prefix[index];
    values.push(generateJsonValue(isJsonSchema(itemSchema) ? itemSchema : items, context, depth + 1));
  }
  if (schema['uniqueItems'] === true) return dedupe(values);
  return values;
}

function dedupe(values: JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const FORMATTED: Record<string, (prng: Prng, word: string) => string> = {
  'date-time': (prng) =>
    new Date(Date.UTC(2024, prng.integer(0, 11), prng.integer(1, 28), prng.integer(0, 23))).toISOString(),
  date: (prng) =>
    `2024-${String(prng.integer(1, 12)).padStart(2, '0')}-${String(prng.integer(1, 28)).padStart(2, '0')}`,
  time: (prng) =>
    `${String(prng.integer(0, 23)).padStart(2, '0')}:${String(prng.integer(0, 59)).padStart(2, '0')}:00`,
  email: (_prng, word) => `${word.toLowerCase().replace(/[^a-z0-9]/g, '') || 'user'}@example.com`,
  uri: (_prng, word) => `https://example.com/${encodeURIComponent(word.toLowerCase())}`,
  uuid: (prng) =>
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
      (Number(digit) ^ (prng.integer(0, 15) & (15 >> (Number(digit) / 4)))).toString(16),
    ),
};

function generateString(schema: JsonSchema, context: JsonValueContext): string {
  const word = context.prng.pick(context.words);
  const format = schema['format'];
  const formatter = typeof format === 'string' ? FORMATTED[format] : undefined;
  if (formatter) return formatter(context.prng, word);
  const wordCount = context.prng.integer(1, 3);
  let text = word;
  for (let index = 1; index < wordCount; index++) text += ` ${context.prng.pick(context.words)}`;
  const minLength = numberOr(schema['minLength'], 0);
  const maxLength = numberOr(schema['maxLength'], Number.POSITIVE_INFINITY);
  while (text.length < minLength) text += ` ${context.prng.pick(context.words)}`;
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}

function generateNumber(schema: JsonSchema, context: JsonValueContext, integer: boolean): number {
  const exclusiveMinimum = schema['exclusiveMinimum'];
  const exclusiveMaximum = schema['exclusiveMaximum'];
  const step = integer ? 1 : 0.01;
  let minimum = numberOr(schema['minimum'], Number.NEGATIVE_INFINITY);
  let maximum = numberOr(schema['maximum'], Number.POSITIVE_INFINITY);
  if (typeof exclusiveMinimum === 'number') minimum = Math.max(minimum, exclusiveMinimum + step);
  if (typeof exclusiveMaximum === 'number') maximum = Math.min(maximum, exclusiveMaximum - step);
  if (!Number.isFinite(minimum)) minimum = Number.isFinite(maximum) ? Math.min(0, maximum - 100) : 0;
  if (!Number.isFinite(maximum)) maximum = minimum + 100;
  const multipleOf = numberOr(schema['multipleOf'], integer ? 1 : 0);
  if (multipleOf > 0) {
    const low = Math.ceil(minimum / multipleOf);
    const high = Math.max(low, Math.floor(maximum / multipleOf));
    return Number((context.prng.integer(low, high) * multipleOf).toFixed(10));
  }
  const value = minimum + context.prng.next() * (maximum - minimum);
  return Math.min(maximum, Math.max(minimum, Math.round(value * 100) / 100));
}
