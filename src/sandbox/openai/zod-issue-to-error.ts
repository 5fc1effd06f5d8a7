import type { z } from 'zod';
import { invalidRequest, type SandboxError } from '../engine/sandbox-error.js';

/** `messages[0].content`: the param notation the real API uses in error bodies. */
export function formatParam(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a decimal',
  array: 'an array',
  object: 'an object',
};

// zod reports the same issue for int and number fields; the API words them differently.
const INTEGER_PARAMS = new Set([
  'max_tokens',
  'max_completion_tokens',
  'n',
  'seed',
  'top_logprobs',
  'dimensions',
]);

function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}` : (quoted[0] ?? '');
}

function bounds(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  param: string,
  value: unknown,
): SandboxError {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  if (Array.isArray(value)) {
    if (small && value.length === 0) {
      return invalidRequest(
        `Invalid '${param}': empty array. Expected an array with minimum length ${limit}, but got an empty array instead.`,
        param,
        'empty_array',
      );
    }
    const text = `Expected an array with ${small ? 'minimum' : 'maximum'} length ${limit}, but got an array with length ${value.length} instead.`;
    return invalidRequest(
      `Invalid '${param}': array too ${small ? 'short' : 'long'}. ${text}`,
      param,
      small ? 'array_below_min_length' : 'array_above_max_length',
    );
  }
  const kind = INTEGER_PARAMS.has(param) ? 'integer' : 'decimal';
  const relation = small
    ? `below minimum value. Expected a value >= ${limit}`
    : `above maximum value. Expected a value <= ${limit}`;
  return invalidRequest(
    `Invalid '${param}': ${kind} ${relation}, but got ${String(value)} instead.`,
    param,
    `${kind}_${small ? 'below_min' : 'above_max'}_value`,
  );
}

/**
 * Turns the first zod issue into the 400 the real API would send, with `param` naming the field.
 * @example zodIssueToError(issue, body) // "Missing required parameter: 'messages[0].content'."
 */
export function zodIssueToError(issue: z.core.$ZodIssue, body: unknown): SandboxError {
  const param = formatParam(issue.path);
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined)
        return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      return invalidRequest(
        `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
        param,
        'invalid_type',
      );
    }
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options)) {
        if (value === undefined)
          return invalidRequest(
            `Missing required parameter: '${param}'.`,
            param,
            'missing_required_parameter',
          );
        return invalidRequest(
          `Invalid value: '${String(value)}'. Supported values are: ${quoteList(issue.options)}.`,
          param,
          'invalid_value',
        );
      }
      // Report the branch that matches the value's shape (e.g. an over-long `stop` array), if any.
      const branch = issue.errors.find(
        (issues) => issues[0] && !(issues[0].code === 'invalid_type' && issues[0].path.length === 0),
      );
      const first = branch?.[0];
      if (first) return zodIssueToError({ ...first, path: [...issue.path, ...first.path] }, body);
      return invalidRequest(
        `Invalid type for '${param}': got ${describe(value)} instead.`,
        param,
        'invalid_type',
      );
    }
    case 'invalid_value':
      return invalidRequest(
        `Invalid value: '${String(value)}'. Supported values are: ${quoteList(issue.values)}.`,
        param,
        'invalid_value',
      );
    case 'too_small':
    case 'too_big':
      return bounds(issue, param, value);
    case 'invalid_format':
      return invalidRequest(
        `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${'pattern' in issue ? String(issue.pattern) : ''}'.`,
        param,
        'invalid_value',
      );
    default:
      return invalidRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
  }
}
