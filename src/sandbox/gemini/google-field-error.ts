import type { z } from 'zod';
import { invalidRequest, type SandboxError } from '../engine/sandbox-error.js';

/**
 * A Google field path: snake_case names and `[i]` indexes, e.g. `generation_config.temperature`,
 * `contents[0].parts[1].function_call.name` (what Google's messages and BadRequest details name).
 *
 * @example
 * googleFieldPath(['generationConfig', 'stopSequences']); // 'generation_config.stop_sequences'
 */
export function googleFieldPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else {
      const name = String(segment).replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
      result += result === '' ? name : `.${name}`;
    }
  }
  return result;
}

/**
 * A refusal about one field in Google's "* Request.field: problem" form, with the field as BadRequest param.
 *
 * @example
 * fieldError('GenerateContentRequest', ['contents'], 'contents is not specified');
 */
export function fieldError(request: string, path: readonly PropertyKey[], problem: string): SandboxError {
  const field = googleFieldPath(path);
  return invalidRequest(`* ${request}.${field}: ${problem}`, field);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<PropertyKey, unknown>;
    const snake = typeof segment === 'string' ? googleFieldPath([segment]) : segment;
    value = record[segment] ?? record[snake];
  }
  return value;
}

const PROTO_TYPES: Record<string, string> = {
  number: 'TYPE_FLOAT',
  int: 'TYPE_INT32',
  string: 'TYPE_STRING',
  boolean: 'TYPE_BOOL',
};

/**
 * Turns the first zod issue of a body into Google's wording: unknown fields ("Unknown name … Cannot
 * find field"), wrong types ("Invalid value at 'field' (TYPE_FLOAT), …"), missing and out-of-range
 * fields ("* Request.field: …"). Every message names the field.
 *
 * @example
 * zodIssueToGoogleError(issue, body, 'GenerateContentRequest');
 */
export function zodIssueToGoogleError(issue: z.core.$ZodIssue, raw: unknown, request: string): SandboxError {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const field = googleFieldPath(path);
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const at = field === '' ? '' : ` at '${field}'`;
      return invalidRequest(
        `Invalid JSON payload received. Unknown name "${key}"${at}: Cannot find field.`,
        field === '' ? key : `${field}.${key}`,
      );
    }
    case 'invalid_type':
      if (value === undefined) return fieldError(request, path, `${field.split('.').at(-1)} is required.`);
      return invalidRequest(
        `Invalid value at '${field}' (${PROTO_TYPES[issue.expected] ?? issue.expected}), ${JSON.stringify(value)}`,
        field,
      );
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      const what = Array.isArray(value) ? `must have ${bound} ${limit} entries` : `must be ${bound} ${limit}`;
      return fieldError(
        request,
        path,
        `${what} (got ${Array.isArray(value) ? value.length : JSON.stringify(value)}).`,
      );
    }
    default:
      return invalidRequest(
        `Invalid value at '${field}', ${JSON.stringify(value) ?? 'null'}: ${issue.message}`,
        field,
      );
  }
}

/**
 * Parses a body with a schema or throws the Google-worded refusal.
 *
 * @example
 * const body = parseGoogleBody(generateRequestSchema, raw, 'GenerateContentRequest');
 */
export function parseGoogleBody<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  request: string,
): z.output<Schema> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidRequest('Invalid JSON payload received. Expected an object.', null);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw issue ? zodIssueToGoogleError(issue, raw, request) : invalidRequest('Invalid request.', null);
}
