import type { z } from 'zod';

type Check = (value: unknown) => boolean;
type Definition = Record<string, unknown>;

/** A schema's definition (`schema._zod.def`), read structurally. */
function definitionOf(schema: unknown): Definition | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  const internals = schema._zod;
  if (typeof internals !== 'object' || internals === null || !('def' in internals)) return undefined;
  const definition = internals.def;
  return typeof definition === 'object' && definition !== null ? (definition as Definition) : undefined;
}

/** Refinements (`.min()`, `.int()`, …) are left to zod. */
function withoutChecks(definition: Definition): boolean {
  const checks = definition['checks'];
  return checks === undefined || (Array.isArray(checks) && checks.length === 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileArray(definition: Definition): Check | undefined {
  const element = compileNode(definition['element']);
  if (element === undefined || !withoutChecks(definition)) return undefined;
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (const item of value) if (!element(item)) return false;
    return true;
  };
}

/** Only loose objects: their output keeps unknown keys, so the input itself is a valid output. */
function compileObject(definition: Definition): Check | undefined {
  if (definitionOf(definition['catchall'])?.['type'] !== 'unknown') return undefined;
  const shape = definition['shape'];
  if (!isRecord(shape)) return undefined;
  const fields: [string, Check][] = [];
  for (const [key, field] of Object.entries(shape)) {
    const check = compileNode(field);
    if (check === undefined) return undefined;
    fields.push([key, check]);
  }
  return (value) => {
    if (!isRecord(value)) return false;
    for (const [key, check] of fields) if (!check(value[key])) return false;
    return true;
  };
}

function compileUnion(definition: Definition): Check | undefined {
  const options = definition['options'];
  if (!Array.isArray(options)) return undefined;
  const checks: Check[] = [];
  for (const option of options) {
    const check = compileNode(option);
    if (check === undefined) return undefined;
    checks.push(check);
  }
  return (value) => checks.some((check) => check(value));
}

function compileWrapper(definition: Definition): Check | undefined {
  const inner = compileNode(definition['innerType']);
  if (inner === undefined) return undefined;
  return definition['type'] === 'optional'
    ? (value) => value === undefined || inner(value)
    : (value) => value === null || inner(value);
}

function compileNode(schema: unknown): Check | undefined {
  const definition = definitionOf(schema);
  if (definition === undefined) return undefined;
  switch (definition['type']) {
    case 'string':
      return withoutChecks(definition) ? (value) => typeof value === 'string' : undefined;
    case 'number':
      // As zod: NaN and ±Infinity are not numbers (JSON cannot carry them anyway).
      return withoutChecks(definition) ? (value) => Number.isFinite(value) : undefined;
    case 'boolean':
      return withoutChecks(definition) ? (value) => typeof value === 'boolean' : undefined;
    case 'unknown':
    case 'any':
      return () => true;
    case 'optional':
    case 'nullable':
      return compileWrapper(definition);
    case 'array':
      return compileArray(definition);
    case 'object':
      return compileObject(definition);
    case 'union':
      return compileUnion(definition);
    default:
      // Transforms, defaults, literals, refinements…: zod decides.
      return undefined;
  }
}

export type ShapeParseResult<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * Compiles a tolerant upstream schema (loose objects, nullish/optional fields, strings, numbers,
 * booleans, arrays, unions, unknown) into a plain predicate, and returns a `safeParse` that runs
 * that predicate first: a value it accepts is returned as is (what zod would return, since loose
 * objects keep every key), anything else goes through zod, so errors, refinements and transforms
 * stay exactly zod's. Built for the hot path, where every upstream stream event is validated.
 *
 * @example
 * const parseChunk = compileShapeCheck(openAIChatChunkSchema);
 * const result = parseChunk(JSON.parse(text)); // { success: true, data } without zod for a usual chunk
 */
export function compileShapeCheck<Schema extends z.ZodType>(
  schema: Schema,
): (value: unknown) => ShapeParseResult<z.output<Schema>> {
  const check = compileNode(schema);
  if (check === undefined) return (value) => schema.safeParse(value);
  return (value) =>
    check(value) ? { success: true, data: value as z.output<Schema> } : schema.safeParse(value);
}
