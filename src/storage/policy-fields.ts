import { z } from 'zod';
import type { Budget, PolicyFields, RateLimits } from './types.js';

const stringListSchema = z.array(z.string()).nullable();
const rateLimitsSchema = z.object({
  rpm: z.number().optional(),
  tpm: z.number().optional(),
  concurrency: z.number().optional(),
});
const budgetSchema = z.object({
  usdPerDay: z.number().optional(),
  usdPerMonth: z.number().optional(),
  mode: z.enum(['hard', 'alert']).optional(),
});
const tagsSchema = z.record(z.string(), z.string());

/** Stored shapes of the policy fields, for backends that read them back from JSON. */
export const policyFieldSchemas = {
  models: stringListSchema,
  processing: stringListSchema,
  limits: rateLimitsSchema,
  budget: budgetSchema,
  tags: tagsSchema,
} as const;

export const policyFieldNames = ['models', 'processing', 'limits', 'budget', 'tags'] as const;

/** A copy without the fields set to `undefined`, so every backend stores the same object. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * A deep copy of the policy fields, `undefined` entries dropped (JSON storage drops them too).
 *
 * @example
 * const copy = copyPolicyFields(record); // copy.limits !== record.limits
 */
export function copyPolicyFields(fields: PolicyFields): PolicyFields {
  return {
    models: fields.models === null ? null : [...fields.models],
    processing: fields.processing === null ? null : [...fields.processing],
    limits: withoutUndefined<RateLimits>(fields.limits),
    budget: withoutUndefined<Budget>(fields.budget),
    tags: withoutUndefined(fields.tags),
  };
}

/**
 * The policy fields given, with the defaults for the others (all models, any residency, no limits,
 * no budget, no tags), copied.
 *
 * @example
 * fillPolicyFields({ models: ['gpt-4o'] }); // { models: ['gpt-4o'], processing: null, limits: {}, budget: {}, tags: {} }
 */
export function fillPolicyFields(fields: Partial<PolicyFields>): PolicyFields {
  return copyPolicyFields({
    models: fields.models ?? null,
    processing: fields.processing ?? null,
    limits: fields.limits ?? {},
    budget: fields.budget ?? {},
    tags: fields.tags ?? {},
  });
}

/**
 * Reads policy fields decoded from storage (parsed JSON), failing loudly on a corrupt value instead of
 * handing a wrong policy to the gateway. `owner` names the row in the error.
 *
 * @example
 * parsePolicyFields({ models: null, processing: ['eu'], limits: {}, budget: {}, tags: {} }, 'team t1');
 */
export function parsePolicyFields(values: Record<keyof PolicyFields, unknown>, owner: string): PolicyFields {
  const parsed: Partial<Record<keyof PolicyFields, unknown>> = {};
  for (const field of policyFieldNames) {
    const result = policyFieldSchemas[field].safeParse(values[field]);
    if (!result.success) throw new Error(`${owner} has a corrupt ${field} column`, { cause: result.error });
    parsed[field] = result.data;
  }
  return copyPolicyFields(parsed as PolicyFields);
}

/**
 * `record` with the patch fields named in `fields` applied; `undefined` means "leave as is", anything
 * else (null included) replaces the stored value entirely (objects are not merged). Fields outside
 * `fields` are ignored, so a request body spread into a patch can't change an id or a time.
 *
 * @example
 * applyPatch(team, { limits: { rpm: 5 } }, ['name', 'limits']); // limits replaced, name kept
 */
export function applyPatch<T extends object, F extends keyof T>(
  record: T,
  patch: Partial<Pick<T, F>>,
  fields: readonly F[],
): T {
  const next = { ...record };
  for (const field of fields) {
    const value = patch[field];
    if (value !== undefined) next[field] = structuredClone(value) as T[F];
  }
  return next;
}

/**
 * Parses a JSON column written by this code; a corrupt value throws an error naming `owner`.
 *
 * @example
 * decodeJsonColumn('["gpt-4o"]', 'virtual key key_1', 'models'); // ['gpt-4o']
 */
export function decodeJsonColumn(text: string | null, owner: string, column: string): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new Error(`${owner} has a corrupt ${column} column`, { cause: error });
  }
}
