import type { JsonSchema, JsonValue } from '../../core/json-schema.js';
import type { Warning } from '../../core/warning.js';

/** A schema in the OpenAPI 3.0 subset Gemini accepts (`Schema`): upper-case types, `nullable`, `anyOf`. */
export type GeminiSchema = { [key: string]: JsonValue };

const TYPES: Record<string, string> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};
// Keywords Gemini's Schema has, copied as they are.
const KEPT = [
  'title',
  'description',
  'nullable',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'pattern',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
];
// Gemini rejects other formats ("only 'enum' and 'date-time' are supported for STRING type").
const FORMATS: Record<string, ReadonlySet<string>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};
// Dropped without a warning: annotations and keywords whose loss does not change which values fit.
const SILENT = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'examples',
  'default',
  'readOnly',
  'writeOnly',
  'deprecated',
  'strict',
  'contentEncoding',
  'contentMediaType',
  'format',
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'additionalProperties',
  'exclusiveMinimum',
  'exclusiveMaximum',
  ...KEPT,
]);
const MAX_DEPTH = 32;

interface Context {
  root: JsonSchema;
  label: string;
  warnings: Warning[];
  refs: string[];
}

/**
 * Converts a JSON Schema into Gemini's OpenAPI subset (the same shape `@google/genai` builds):
 * lower-case → upper-case types, `type: [x, 'null']` and `anyOf: [x, {type: 'null'}]` → `nullable`,
 * `oneOf` → `anyOf`, `allOf` merged, local `$ref`s inlined, string `const` → one-value `enum`.
 * Keywords Gemini lacks are dropped; a warning names each drop that changes which values are valid
 * (`additionalProperties` as a schema, `not`, `uniqueItems`, non-string enums, recursive refs …), never
 * the harmless ones (`$schema`, `additionalProperties: false`, `default`, unsupported `format`s).
 * Returns undefined for an object schema without properties (Gemini rejects empty `properties`).
 *
 * @example
 * convertGeminiSchema({ type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false }, 'tools.get_weather');
 * // { schema: { type: 'OBJECT', properties: { city: { type: 'STRING' } } }, warnings: [] }
 */
export function convertGeminiSchema(
  schema: JsonSchema,
  label: string,
): { schema: GeminiSchema | undefined; warnings: Warning[] } {
  // The root is being expanded: a `#` reference inside it is recursive.
  const context: Context = { root: schema, label, warnings: [], refs: ['#'] };
  const converted = convertNode(schema, '$', context, 0);
  const isEmptyObject =
    converted['type'] === 'OBJECT' &&
    converted['properties'] === undefined &&
    converted['anyOf'] === undefined;
  return { schema: isEmptyObject ? undefined : converted, warnings: context.warnings };
}

function warn(context: Context, path: string, keyword: string, details: string): void {
  context.warnings.push({
    type: 'unsupported-setting',
    setting: `${context.label}${path.slice(1)}.${keyword}`,
    details,
  });
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convertNode(input: JsonSchema, path: string, context: Context, depth: number): GeminiSchema {
  if (depth > MAX_DEPTH) {
    warn(context, path, 'depth', `nested deeper than ${MAX_DEPTH}; left unconstrained`);
    return {};
  }
  const ref = input['$ref'];
  if (typeof ref === 'string') return convertRef(ref, input, path, context, depth);
  const schema = mergeAllOf(input, context);
  const out: GeminiSchema = {};
  for (const keyword of KEPT) {
    const value = schema[keyword];
    if (value !== undefined) out[keyword] = value;
  }
  const union = convertUnion(schema, path, context, depth, out);
  if (!union) setType(schema, path, context, out);
  convertEnum(schema, path, context, out);
  convertChildren(schema, path, context, depth, out);
  convertBounds(schema, path, context, out);
  const format = schema['format'];
  const type = out['type'];
  if (typeof format === 'string' && typeof type === 'string' && FORMATS[type]?.has(format))
    out['format'] = format;
  for (const keyword of Object.keys(schema)) {
    if (!SILENT.has(keyword)) warn(context, path, keyword, 'Gemini schemas cannot express it; dropped');
  }
  return out;
}

function convertRef(
  ref: string,
  input: JsonSchema,
  path: string,
  context: Context,
  depth: number,
): GeminiSchema {
  if (context.refs.includes(ref)) {
    warn(context, path, '$ref', `recursive reference ${ref} cannot be inlined; left unconstrained`);
    return {};
  }
  const target = resolveRef(ref, context.root);
  if (target === undefined) {
    warn(context, path, '$ref', `unresolvable reference ${ref}; left unconstrained`);
    return {};
  }
  context.refs.push(ref);
  const { $ref: _ignored, ...siblings } = input;
  const converted = convertNode({ ...target, ...siblings }, path, context, depth + 1);
  context.refs.pop();
  return converted;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    target = isSchema(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isSchema(target) ? target : undefined;
}

/** allOf branches merged shallowly: properties and required are unions, other keywords the first wins. */
function mergeAllOf(schema: JsonSchema, context: Context): JsonSchema {
  const branches = schema['allOf'];
  if (!Array.isArray(branches)) return schema;
  const { allOf: _ignored, ...rest } = schema;
  let merged: JsonSchema = {};
  const properties: { [key: string]: JsonValue } = {};
  const required: JsonValue[] = [];
  for (const branch of [...branches, rest]) {
    if (!isSchema(branch)) continue;
    const resolved =
      typeof branch['$ref'] === 'string' ? (resolveRef(branch['$ref'], context.root) ?? {}) : branch;
    merged = { ...resolved, ...merged };
    if (isSchema(resolved['properties'])) Object.assign(properties, resolved['properties']);
    if (Array.isArray(resolved['required'])) required.push(...resolved['required']);
  }
  return { ...merged, ...rest, properties, required };
}

/** anyOf/oneOf → anyOf; a `null` branch becomes `nullable`; a single remaining branch is inlined. */
function convertUnion(
  schema: JsonSchema,
  path: string,
  context: Context,
  depth: number,
  out: GeminiSchema,
): boolean {
  const branches = schema['anyOf'] ?? schema['oneOf'];
  if (!Array.isArray(branches)) return false;
  const keyword = schema['anyOf'] === undefined ? 'oneOf' : 'anyOf';
  const kept = branches.filter(
    (branch): branch is JsonSchema => isSchema(branch) && branch['type'] !== 'null',
  );
  if (kept.length < branches.length) out['nullable'] = true;
  if (kept.length === 1 && kept[0] !== undefined) {
    Object.assign(out, convertNode(kept[0], `${path}.${keyword}[0]`, context, depth + 1));
    return true;
  }
  out['anyOf'] = kept.map((branch, index) =>
    convertNode(branch, `${path}.${keyword}[${index}]`, context, depth + 1),
  );
  return true;
}

function setType(schema: JsonSchema, path: string, context: Context, out: GeminiSchema): void {
  const raw = schema['type'];
  const listed = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((type) =>
    String(type).toLowerCase(),
  );
  if (listed.includes('null')) out['nullable'] = true;
  const types = listed.filter((type) => type !== 'null');
  if (types.length > 1) {
    out['anyOf'] = types.map((type) => ({ type: TYPES[type] ?? 'TYPE_UNSPECIFIED' }));
    return;
  }
  const inferred = types[0] ?? inferType(schema);
  if (inferred === undefined) return;
  const type = TYPES[inferred];
  if (type === undefined) warn(context, path, 'type', `unknown type ${inferred}; left unconstrained`);
  else out['type'] = type;
}

function inferType(schema: JsonSchema): string | undefined {
  if (isSchema(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  const constant = schema['const'];
  if (constant !== undefined && constant !== null)
    return typeof constant === 'number' ? 'number' : typeof constant;
  const values = schema['enum'];
  if (Array.isArray(values) && values.every((value) => typeof value === 'string')) return 'string';
  return undefined;
}

/** Gemini enums are strings only; a string `const` is a one-value enum. */
function convertEnum(schema: JsonSchema, path: string, context: Context, out: GeminiSchema): void {
  const constant = schema['const'];
  const values = constant !== undefined ? [constant] : schema['enum'];
  if (!Array.isArray(values)) return;
  if (values.includes(null)) out['nullable'] = true;
  const nonNull = values.filter((value) => value !== null);
  if (nonNull.length === 0) return;
  if (nonNull.every((value) => typeof value === 'string') && (out['type'] ?? 'STRING') === 'STRING') {
    out['type'] = 'STRING';
    out['format'] = 'enum';
    out['enum'] = nonNull;
  } else {
    const keyword = constant !== undefined ? 'const' : 'enum';
    warn(context, path, keyword, 'Gemini enums hold strings only; dropped');
  }
}

function convertChildren(
  schema: JsonSchema,
  path: string,
  context: Context,
  depth: number,
  out: GeminiSchema,
): void {
  const properties = schema['properties'];
  if (isSchema(properties) && Object.keys(properties).length > 0) {
    const converted: { [key: string]: JsonValue } = {};
    for (const [name, child] of Object.entries(properties)) {
      if (isSchema(child))
        converted[name] = convertNode(child, `${path}.properties.${name}`, context, depth + 1);
    }
    out['properties'] = converted;
    const required = schema['required'];
    if (Array.isArray(required)) {
      const names = required.filter((name): name is string => typeof name === 'string' && name in converted);
      if (names.length > 0) out['required'] = names;
    }
  }
  const additional = schema['additionalProperties'];
  // `false` is what Gemini does anyway (it only generates declared properties); a schema or `true` on an
  // object is a map of free keys, which this subset cannot describe.
  if (additional !== undefined && additional !== false && !(additional === true && out['properties'])) {
    warn(context, path, 'additionalProperties', 'Gemini schemas cannot describe free-form keys; dropped');
  }
  const items = schema['items'];
  if (isSchema(items)) out['items'] = convertNode(items, `${path}.items`, context, depth + 1);
  else if (Array.isArray(items)) warn(context, path, 'items', 'tuple items are not supported; dropped');
}

/** JSON Schema 2019+ numeric exclusive bounds become inclusive ones, with a warning. */
function convertBounds(schema: JsonSchema, path: string, context: Context, out: GeminiSchema): void {
  for (const [keyword, inclusive] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const value = schema[keyword];
    if (typeof value === 'number') {
      out[inclusive] = value;
      warn(context, path, keyword, `sent as an inclusive ${inclusive}`);
    } else if (value === true) warn(context, path, keyword, 'sent as an inclusive bound');
  }
}
