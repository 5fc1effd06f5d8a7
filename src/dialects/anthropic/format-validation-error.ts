import type { z } from 'zod';
import { GatewayError } from '../../core/gateway-error.js';

type Issue = z.core.$ZodIssue;

/**
 * Renders a zod path the way Anthropic names fields: dot-separated, indexes included.
 *
 * @example
 * formatFieldPath(['messages', 0, 'content', 1, 'source']) // 'messages.0.content.1.source'
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

const TYPE_NAMES: Record<string, string> = {
  int: 'integer',
  array: 'list',
  object: 'dictionary',
  record: 'dictionary',
};

function describeExpected(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function listChoices(values: readonly unknown[]): string {
  const quoted = values.map(quote);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The branch's type did not match at all (zod may still list checks that ran after the mismatch). */
function rootTypeMismatch(branch: readonly Issue[]) {
  return branch.find((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
}

/** Unions report every branch; the useful one is the branch that got past the type check. */
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
  const limit = Number(big ? issue.maximum : issue.minimum);
  if (issue.origin === 'array') {
    return `List should have ${big ? 'at most' : 'at least'} ${limit} item${limit === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'string') {
    return `String should have ${big ? 'at most' : 'at least'} ${limit} character${limit === 1 ? '' : 's'}`;
  }
  return `Input should be ${big ? 'less' : 'greater'} than or equal to ${limit}`;
}

function describeUnion(issue: Issue & { code: 'invalid_union' }): string {
  // zod already points a discriminated union's issue at the discriminator field itself.
  if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
    const input: unknown = issue.input;
    const value =
      typeof input === 'object' && input !== null ? Reflect.get(input, issue.discriminator) : undefined;
    return value === undefined ? 'Field required' : `Input should be ${listChoices(issue.options)}`;
  }
  if (issue.input === undefined) return 'Field required';
  const expected = issue.errors.flatMap((branch) => {
    const mismatch = rootTypeMismatch(branch);
    return mismatch?.code === 'invalid_type' ? [describeExpected(mismatch.expected)] : [];
  });
  const unique = [...new Set(expected)];
  return `Input should be a valid ${unique.join(' or a valid ')}`;
}

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Field required';
      return `Input should be a valid ${describeExpected(issue.expected)}`;
    case 'invalid_union':
      return describeUnion(issue);
    case 'invalid_value':
      return `Input should be ${listChoices(issue.values)}`;
    case 'too_big':
    case 'too_small':
      return describeBound(issue);
    case 'invalid_format':
      return 'String should match the expected format';
    default:
      return issue.message;
  }
}

/**
 * Turns the first zod issue into a 400 `invalid_request` worded like Anthropic's own validation
 * errors (`max_tokens: Field required`, `messages.0.content: Input should be a valid list`), with
 * `param` naming the field. Parse with `{ reportInput: true }`.
 *
 * @example
 * const parsed = messagesRequestSchema.safeParse(body, { reportInput: true });
 * if (!parsed.success) throw toValidationError(parsed.error);
 */
export function toValidationError(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'The request body is invalid.');
  const { issue, path } = mostSpecificIssue(first, []);
  const field = formatFieldPath(path);
  if (field === '') {
    return new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  // No `cause`: the zod error holds the request's input (prompts), which must never reach a log.
  return new GatewayError('invalid_request', `${field}: ${describeIssue(issue)}`, { param: field });
}
