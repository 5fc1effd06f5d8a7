import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  array: 'a valid list',
  object: 'a valid dictionary',
  record: 'a valid dictionary',
};

// zod reports `expected: 'number'` for a string in an int field; the API says "a valid integer".
const INTEGER_FIELDS = new Set(['max_tokens', 'top_k', 'budget_tokens']);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function quoted(values: readonly unknown[]): string {
  const items = values.map((value) => `'${String(value)}'`);
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');
}

/**
 * Zod nests the branches of `string | Block[]`-style unions; the API reports the branch the value
 * was meant for. That is the first branch whose type matched (its first issue is deeper than the root).
 */
function innermostIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const firsts = issue.errors.map((branch) => branch[0]).filter((first) => first !== undefined);
  const meant = firsts.find((first) => !(first.code === 'invalid_type' && first.path.length === 0));
  const chosen = meant ?? firsts[0];
  if (chosen === undefined) return issue;
  return innermostIssue({ ...chosen, path: [...issue.path, ...chosen.path] } as z.core.$ZodIssue);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): { path: PropertyKey[]; text: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case 'invalid_type': {
      if (valueAt(raw, path) === undefined) return { path, text: 'Field required' };
      const expected =
        issue.expected === 'number' && INTEGER_FIELDS.has(String(path.at(-1))) ? 'int' : issue.expected;
      return { path, text: `Input should be ${TYPE_NAMES[expected] ?? `a valid ${expected}`}` };
    }
    case 'unrecognized_keys':
      return { path: [...path, issue.keys[0] ?? ''], text: 'Extra inputs are not permitted' };
    case 'too_small':
      if (issue.origin === 'array')
        return {
          path,
          text: `List should have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`,
        };
      if (issue.origin === 'string')
        return {
          path,
          text: `String should have at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'}`,
        };
      return { path, text: `Input should be greater than or equal to ${issue.minimum}` };
    case 'too_big':
      if (issue.origin === 'string')
        return { path, text: `String should have at most ${issue.maximum} characters` };
      return { path, text: `Input should be less than or equal to ${issue.maximum}` };
    case 'invalid_value':
      return { path, text: `Input should be ${quoted(issue.values)}` };
    case 'invalid_format':
      return { path, text: `String should match pattern '${issue.pattern ?? issue.format}'` };
    case 'invalid_union': {
      const options = (issue as { options?: unknown }).options;
      if (!Array.isArray(options)) return { path, text: 'Input does not match any of the expected shapes' };
      // A discriminator mismatch is reported on the block, not on its `type` key.
      const blockPath = path.at(-1) === 'type' ? path.slice(0, -1) : path;
      const tag = valueAt(raw, [...blockPath, 'type']);
      const expected = options.map((value) => `'${String(value)}'`).join(', ');
      return {
        path: blockPath,
        text:
          tag === undefined
            ? "Unable to extract tag using discriminator 'type'"
            : `Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${expected}`,
      };
    }
    default:
      return { path, text: issue.message };
  }
}

/**
 * Words a zod issue the way the Messages API words validation errors (pydantic style, dotted path):
 * `max_tokens: Field required`, `messages.0.content.0.type: …`, `foo: Extra inputs are not permitted`.
 *
 * @example formatValidationMessage(issue, body) // 'max_tokens: Field required'
 */
export function formatValidationMessage(issue: z.core.$ZodIssue, raw: unknown): string {
  const { path, text } = describeIssue(innermostIssue(issue), raw);
  return path.length === 0 ? text : `${path.map(String).join('.')}: ${text}`;
}
