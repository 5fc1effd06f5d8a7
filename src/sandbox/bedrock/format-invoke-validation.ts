import type { z } from 'zod';
import { type BedrockError, malformedInput, validationError } from './bedrock-error.js';

/** JSON-schema type names as Bedrock's validator (everit) prints them. */
const EVERIT_TYPES: Readonly<Record<string, string>> = {
  number: 'Number',
  int: 'Integer',
  string: 'String',
  array: 'JSONArray',
  object: 'JSONObject',
  boolean: 'Boolean',
};

function typeOfValue(value: unknown): string {
  if (Array.isArray(value)) return 'JSONArray';
  if (value === null) return 'Null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  return EVERIT_TYPES[typeof value] ?? 'JSONObject';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function orList(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * For a value matching no branch of a union (`content`: string or blocks), the branch that got furthest
 * explains it best; its issue is re-rooted at the union's path.
 */
function mostSpecific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first !== undefined && (best === undefined || first.path.length > best.path.length)) best = first;
  }
  return best === undefined ? issue : mostSpecific({ ...best, path: [...issue.path, ...best.path] });
}

/** What the model behind Bedrock says about a nested field (pydantic style, 0-based dotted path). */
function nestedMessage(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${path}: Field required`
        : `${path}: Input should be a valid ${issue.expected}`;
    case 'invalid_value':
      return `${path}: Input should be ${orList(issue.values)}`;
    case 'invalid_union': {
      const tag = valueAt(raw, issue.path);
      const owner = issue.path.slice(0, -1).map(String).join('.');
      return `${owner}: Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${
        'options' in issue && Array.isArray(issue.options)
          ? issue.options.map((option) => `'${String(option)}'`).join(', ')
          : ''
      }`;
    }
    case 'too_small':
      return `${path}: Input should be greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return `${path}: Input should be less than or equal to ${issue.maximum}`;
    default:
      return `${path}: ${issue.message}`;
  }
}

/** Bedrock's own schema check of the top level (required, extraneous, wrongly typed keys), everit style. */
function topLevelMessage(issue: z.core.$ZodIssue, raw: unknown): string | undefined {
  if (issue.code === 'unrecognized_keys') return `#: extraneous key [${issue.keys[0]}] is not permitted`;
  if (issue.path.length !== 1) return undefined;
  const key = String(issue.path[0]);
  if (issue.code === 'invalid_type' && issue.input === undefined) return `#: required key [${key}] not found`;
  if (issue.code === 'invalid_type') {
    return `#/${key}: expected type: ${EVERIT_TYPES[issue.expected] ?? issue.expected}, found: ${typeOfValue(valueAt(raw, issue.path))}`;
  }
  if (issue.code === 'invalid_value')
    return `#/${key}: ${JSON.stringify(valueAt(raw, issue.path))} is not a valid enum value`;
  if (issue.code === 'too_small' && issue.origin === 'string')
    return `#/${key}: expected minLength: ${issue.minimum}, actual: 0`;
  if (issue.code === 'too_small')
    return `#/${key}: ${String(valueAt(raw, issue.path))} is not greater or equal to ${issue.minimum}`;
  return undefined;
}

/**
 * A model-native InvokeModel body that fails its schema → the ValidationException Bedrock returns:
 * `Malformed input request: #: required key [max_tokens] not found, please reformat your input and try
 * again.` for the top level, or the model's own message (`messages.0.role: Input should be 'user' or
 * 'assistant'`) for nested fields.
 * @example throw invokeValidationError(result.error.issues, raw)
 */
export function invokeValidationError(issues: readonly z.core.$ZodIssue[], raw: unknown): BedrockError {
  const topLevel = issues
    .map((issue) => topLevelMessage(issue, raw))
    .filter((message) => message !== undefined);
  if (topLevel.length > 0) return malformedInput(topLevel.join(''));
  const first = issues[0];
  return validationError(
    first === undefined ? 'Malformed input request.' : nestedMessage(mostSpecific(first), raw),
  );
}
