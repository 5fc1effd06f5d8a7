import { decodeJsonColumn, parsePolicyFields } from '../policy-fields.js';
import type { PolicyFields } from '../types.js';

/** The policy fields as the `teams` and `virtual_keys` tables hold them: JSON text. */
export interface PolicyColumns {
  models: string | null;
  processing: string | null;
  limits: string;
  budget: string;
  tags: string;
}

/**
 * Policy fields → JSON columns (null lists stay SQL NULL).
 *
 * @example
 * encodePolicyColumns(team); // { models: '["gpt-4o"]', processing: null, limits: '{}', … }
 */
export function encodePolicyColumns(fields: PolicyFields): PolicyColumns {
  return {
    models: fields.models === null ? null : JSON.stringify(fields.models),
    processing: fields.processing === null ? null : JSON.stringify(fields.processing),
    limits: JSON.stringify(fields.limits),
    budget: JSON.stringify(fields.budget),
    tags: JSON.stringify(fields.tags),
  };
}

/**
 * JSON columns → policy fields, checked: a corrupt column throws an error naming `owner`.
 *
 * @example
 * decodePolicyColumns(row, `team ${row.id}`);
 */
export function decodePolicyColumns(row: PolicyColumns, owner: string): PolicyFields {
  return parsePolicyFields(
    {
      models: decodeJsonColumn(row.models, owner, 'models'),
      processing: decodeJsonColumn(row.processing, owner, 'processing'),
      limits: decodeJsonColumn(row.limits, owner, 'limits'),
      budget: decodeJsonColumn(row.budget, owner, 'budget'),
      tags: decodeJsonColumn(row.tags, owner, 'tags'),
    },
    owner,
  );
}
