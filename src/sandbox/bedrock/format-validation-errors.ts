import type { z } from 'zod';

/** Coral's path style: list members are `name.N.member` with N counted from 1, e.g. `messages.1.member.role`. */
function coralPath(path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  for (const key of path) {
    if (typeof key === 'number') parts.push(`${key + 1}`, 'member');
    else parts.push(String(key));
  }
  return parts.join('.');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function quoted(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'object') return `'${JSON.stringify(value).slice(0, 100)}'`;
  return `'${String(value)}'`;
}

function constraint(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'Member must not be null'
        : `Member must be of type ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'number'
        ? `Member must have value greater than or equal to ${issue.minimum}`
        : `Member must have length greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'number'
        ? `Member must have value less than or equal to ${issue.maximum}`
        : `Member must have length less than or equal to ${issue.maximum}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    default:
      return issue.message;
  }
}

/**
 * Zod issues as the AWS (Coral) front end words validation failures:
 * `1 validation error detected: Value 'system' at 'messages.1.member.role' failed to satisfy
 * constraint: Member must satisfy enum value set: [user, assistant]`. Several issues are counted and
 * joined with `; `, as AWS does.
 * @example formatValidationErrors(result.error.issues, body)
 */
export function formatValidationErrors(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const shown = issues.slice(0, 10).map((issue) => {
    const value =
      issue.code === 'invalid_type' && issue.input === undefined ? null : valueAt(raw, issue.path);
    return `Value ${quoted(value)} at '${coralPath(issue.path)}' failed to satisfy constraint: ${constraint(issue)}`;
  });
  const count = issues.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${shown.join('; ')}`;
}
