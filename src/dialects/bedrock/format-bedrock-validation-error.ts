import type { z } from 'zod';
import { GatewayError } from '../../core/gateway-error.js';

type Issue = z.core.$ZodIssue;

const MAX_REPORTED = 5;

/**
 * A field path the way AWS's Coral services name it: list members 1-based with `.member`.
 *
 * @example
 * formatCoralPath(['messages', 0, 'content', 1, 'image', 'format'])
 * // 'messages.1.member.content.2.member.image.format'
 */
export function formatCoralPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `${segment + 1}.member` : String(segment)))
    .join('.');
}

/** A path as a JSON pointer, the way Bedrock names fields of InvokeModel bodies (`#/messages/0/content`). */
export function formatJsonPointer(path: readonly PropertyKey[]): string {
  return ['#', ...path.map(String)].join('/');
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'Value null';
  if (typeof value === 'string') return `Value '${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `Value '${value}'`;
  return 'Value';
}

/** The branch a union error is really about: the first whose type matched. */
function deepestIssue(issue: Issue, base: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union') return { issue, path };
  const branch = issue.errors.find(
    (issues) => !issues.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  const first = branch?.[0];
  return first === undefined ? { issue, path } : deepestIssue(first, path);
}

function describeConstraint(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'Member must not be null'
        : `Member must be of type ${issue.expected}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'too_small':
    case 'too_big': {
      const direction = issue.code === 'too_small' ? 'greater' : 'less';
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what = issue.origin === 'array' || issue.origin === 'string' ? 'length' : 'value';
      return `Member must have ${what} ${direction} than or equal to ${limit}`;
    }
    case 'unrecognized_keys':
      return `Member must not contain the unknown field(s) [${issue.keys.join(', ')}]`;
    default:
      return issue.message;
  }
}

/**
 * Turns zod issues on a Converse body into AWS's ValidationException wording, naming each field:
 * `1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy
 * constraint: Member must have value greater than or equal to 1`.
 *
 * @example
 * const parsed = converseRequestSchema.safeParse(body, { reportInput: true });
 * if (!parsed.success) throw toConverseValidationError(parsed.error);
 */
export function toConverseValidationError(error: z.ZodError): GatewayError {
  const found = error.issues.slice(0, MAX_REPORTED).map((issue) => deepestIssue(issue, []));
  const described = found.map(({ issue, path }) => {
    const where = path.length === 0 ? 'the request body' : `'${formatCoralPath(path)}'`;
    return `${describeValue(issue.input)} at ${where} failed to satisfy constraint: ${describeConstraint(issue)}`;
  });
  const count = error.issues.length;
  const message = `${count} validation error${count === 1 ? '' : 's'} detected: ${described.join('; ')}`;
  const first = found[0];
  return new GatewayError('invalid_request', message, {
    param: first === undefined ? undefined : formatCoralPath(first.path),
  });
}

/**
 * Turns zod issues on an InvokeModel body into Bedrock's "Malformed input request" wording, with
 * the field as a JSON pointer.
 *
 * @example
 * // 'Malformed input request: #/max_tokens: Member must not be null, please reformat your input and try again.'
 */
export function toInvokeValidationError(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'Malformed input request.');
  const { issue, path } = deepestIssue(first, []);
  return new GatewayError(
    'invalid_request',
    `Malformed input request: ${formatJsonPointer(path)}: ${describeConstraint(issue)}, please reformat your input and try again.`,
    { param: formatJsonPointer(path) },
  );
}
