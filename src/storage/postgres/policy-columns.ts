import { parsePolicyFields, policyFieldNames } from '../policy-fields.js';
import type { PolicyFields } from '../types.js';

/** The JSONB columns holding a team's or key's policy, in the order `toPolicyParameters` returns them. */
export const policyColumns = policyFieldNames;

/** The policy as stored: null lists stay SQL NULL; objects default to `{}`. */
export interface PolicyRow {
  models: unknown;
  processing: unknown;
  limits: unknown;
  budget: unknown;
  tags: unknown;
}

/** A JSON column parameter: SQL NULL for null, so `null` (all) and `[]` (none) stay apart. */
export function toJsonParameter(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * Policy fields as query parameters in `policyColumns` order, each with the record defaults.
 *
 * @example
 * toPolicyParameters({ models: ['gpt-4o'] }); // ['["gpt-4o"]', null, '{}', '{}', '{}']
 */
export function toPolicyParameters(policy: Partial<PolicyFields>): (string | null)[] {
  return [
    toJsonParameter(policy.models ?? null),
    toJsonParameter(policy.processing ?? null),
    JSON.stringify(policy.limits ?? {}),
    JSON.stringify(policy.budget ?? {}),
    JSON.stringify(policy.tags ?? {}),
  ];
}

/**
 * Reads the policy JSONB columns back (pg has parsed them), failing loudly on a corrupt value.
 *
 * @example
 * decodePolicy(row, `team ${row.id}`);
 */
export function decodePolicy(row: PolicyRow, owner: string): PolicyFields {
  return parsePolicyFields(row, owner);
}
