import { isJsonSchema, type JsonSchema } from '../engine/json-schema-value.js';

/**
 * A small JSON Schema checker for tests: returns the JSON paths that violate the schema (empty = valid).
 * Covers the same keyword subset the sandbox generates for; it is not a general validator.
 * @example expect(checkJsonSchema(schema, JSON.parse(content))).toEqual([])
 */
export function checkJsonSchema(
  schema: JsonSchema,
  value: unknown,
  root: JsonSchema = schema,
  path = '$',
): string[] {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    let target: unknown = root;
    for (const segment of ref.slice(1).split('/').filter(Boolean))
      target = isJsonSchema(target) ? target[segment] : undefined;
    return checkJsonSchema(isJsonSchema(target) ? target : {}, value, root, path);
  }
  const errors: string[] = [];
  if ('const' in schema && JSON.stringify(schema['const']) !== JSON.stringify(value))
    errors.push(`${path}: const`);
  const enumValues = schema['enum'];
  if (
    Array.isArray(enumValues) &&
    !enumValues.some((entry) => JSON.stringify(entry) === JSON.stringify(value))
  ) {
    errors.push(`${path}: enum`);
  }
  for (const keyword of ['anyOf', 'oneOf']) {
    const branches = schema[keyword];
    if (
      Array.isArray(branches) &&
      !branches.some((branch) => checkJsonSchema(branch, value, root, path).length === 0)
    ) {
      errors.push(`${path}: ${keyword}`);
    }
  }
  const allOf = schema['allOf'];
  if (Array.isArray(allOf))
    for (const branch of allOf) errors.push(...checkJsonSchema(branch, value, root, path));
  errors.push(...checkType(schema, value, root, path));
  return errors;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkType(schema: JsonSchema, value: unknown, root: JsonSchema, path: string): string[] {
  const declared = schema['type'];
  const types = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
  const actual = typeOf(value);
  if (
    types.length > 0 &&
    !types.some((type) => type === actual || (type === 'number' && actual === 'integer'))
  ) {
    return [`${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if (typeof value === 'number') return checkNumber(schema, value, path);
  if (typeof value === 'string') return checkString(schema, value, path);
  if (Array.isArray(value)) return checkArray(schema, value, root, path);
  if (actual === 'object') return checkObject(schema, value as Record<string, unknown>, root, path);
  return [];
}

function checkNumber(schema: JsonSchema, value: number, path: string): string[] {
  const errors: string[] = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (typeof minimum === 'number' && value < minimum) errors.push(`${path}: minimum`);
  if (typeof maximum === 'number' && value > maximum) errors.push(`${path}: maximum`);
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum)
    errors.push(`${path}: exclusiveMinimum`);
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum)
    errors.push(`${path}: exclusiveMaximum`);
  if (
    typeof multipleOf === 'number' &&
    Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9
  ) {
    errors.push(`${path}: multipleOf`);
  }
  return errors;
}

function checkString(schema: JsonSchema, value: string, path: string): string[] {
  const errors: string[] = [];
  const { minLength, maxLength, format } = schema;
  if (typeof minLength === 'number' && value.length < minLength) errors.push(`${path}: minLength`);
  if (typeof maxLength === 'number' && value.length > maxLength) errors.push(`${path}: maxLength`);
  if (format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${path}: format`);
  if (format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value)) errors.push(`${path}: format`);
  if (format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
    errors.push(`${path}: format`);
  }
  return errors;
}

function checkArray(schema: JsonSchema, value: unknown[], root: JsonSchema, path: string): string[] {
  const errors: string[] = [];
  const { minItems, maxItems, items } = schema;
  if (typeof minItems === 'number' && value.length < minItems) errors.push(`${path}: minItems`);
  if (typeof maxItems === 'number' && value.length > maxItems) errors.push(`${path}: maxItems`);
  if (isJsonSchema(items)) {
    value.forEach((item, index) => {
      errors.push(...checkJsonSchema(items, item, root, `${path}[${index}]`));
    });
  }
  return errors;
}

function checkObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  root: JsonSchema,
  path: string,
): string[] {
  const errors: string[] = [];
  const properties = isJsonSchema(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  for (const name of required) if (!(name in value)) errors.push(`${path}.${name}: required`);
  for (const [name, propertyValue] of Object.entries(value)) {
    const propertySchema = properties[name];
    if (isJsonSchema(propertySchema))
      errors.push(...checkJsonSchema(propertySchema, propertyValue, root, `${path}.${name}`));
    else if (schema['additionalProperties'] === false) errors.push(`${path}.${name}: additionalProperties`);
  }
  return errors;
}
