import type { z } from 'zod';
import { GatewayError } from '../../core/gateway-error.js';

type Issue = z.core.$ZodIssue;

/**
 * Renders a zod path the way OpenAI names fields.
 *
 * @example
 * formatParamPath(['messages', 0, 'content', 1, 'image_url']) // 'messages[0].content[1].image_url'
 */
export function formatParamPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

function describeExpected(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'array' || expected === 'object') return `an ${expected}`;
  if (expected === 'null' || expected === 'undefined') return expected;
  return `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The branch's type did not match at all (zod may still list checks that ran after the mismatch). */
function rootTypeMismatch(branch: readonly Issue[]) {
  return branch.find((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
}

/**
 * Unions report every branch's failure; the useful one is the branch that got past the type check
 * (an array of parts whose third part is wrong), so descend into it and keep the full path.
 */
function mostSpecificIssue(
  issue: Issue,
  base: readonly PropertyKey[],
): { issue: Issue; path: PropertyKey[] } {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  const deeper = issue.errors.find((branch) => rootTypeMismatch(branch) === undefined)?.[0];
  return deeper === undefined ? { issue, path } : mostSpecificIssue(deeper, path);
}

function describeBound(issue: Issue & { code: 'too_big' | 'too_small' }): string {
  const big = issue.code === 'too_big';
  const limit = big ? issue.maximum : issue.minimum;
  const got = issue.input;
  if (issue.origin === 'array') {
    if (!big && limit === 1) return 'expected a non-empty array.';
    const count = Array.isArray(got) ? `, but got ${got.length}` : '';
    return `expected an array with ${big ? 'at most' : 'at least'} ${limit} items${count}.`;
  }
  if (issue.origin === 'string') {
    return !big && limit === 1
      ? 'expected a non-empty string.'
      : `expected a string of ${big ? 'at most' : 'at least'} ${limit} characters.`;
  }
  return `expected a value ${big ? '<=' : '>='} ${limit}, but got ${quote(got)} instead.`;
}

function describeIssue(issue: Issue, param: string): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `Missing required parameter: '${param}'.`;
      return `Invalid type for '${param}': expected ${describeExpected(issue.expected)}, but got ${describeValue(issue.input)} instead.`;
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const input: unknown = issue.input;
        const value =
          typeof input === 'object' && input !== null ? Reflect.get(input, issue.discriminator) : undefined;
        if (value === undefined) return `Missing required parameter: '${param}'.`;
        const supported = issue.options.map((option) => quote(option)).join(', ');
        return `Invalid value for '${param}': ${quote(value)}. Supported values are: ${supported}.`;
      }
      if (issue.input === undefined) return `Missing required parameter: '${param}'.`;
      const expected = issue.errors.flatMap((branch) => {
        const mismatch = rootTypeMismatch(branch);
        return mismatch?.code === 'invalid_type' ? [describeExpected(mismatch.expected)] : [];
      });
      const unique = [...new Set(expected)];
      return `Invalid type for '${param}': expected ${unique.join(' or ')}, but got ${describeValue(issue.input)} instead.`;
    }
    case 'invalid_value':
      return `Invalid value for '${param}': ${quote(issue.input)}. Supported values are: ${issue.values.map(quote).join(', ')}.`;
    case 'too_big':
    case 'too_small':
      return `Invalid '${param}': ${describeBound(issue)}`;
    default:
      return `Invalid '${param}': ${issue.message}.`;
  }
}

/**
 * Turns the first zod issue into a 400 `invalid_request` whose `param` is the field path in
 * OpenAI's style and whose message names the field and what was expected. Parse with
 * `{ reportInput: true }` so messages can say what was received.
 *
 * @example
 * const parsed = schema.safeParse(body, { reportInput: true });
 * if (!parsed.success) throw toValidationError(parsed.error);
 * // → param 'messages[0].content', "Invalid type for 'messages[0].content': expected a string or an array, but got an integer instead."
 */
export function toValidationError(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'The request body is invalid.');
  const { issue, path } = mostSpecificIssue(first, []);
  const param = formatParamPath(path);
  if (param === '') {
    return new GatewayError(
      'invalid_request',
      `The request body must be a JSON object, not ${describeValue(issue.input)}.`,
    );
  }
  // No `cause`: the zod error holds the request's input (prompts), which must never reach a log.
  return new GatewayError('invalid_request', describeIssue(issue, param), { param });
}
