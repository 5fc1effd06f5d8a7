import { z } from 'zod';

/**
 * Every named schema of the admin API. The validator and the OpenAPI document use these same
 * objects, so the document cannot drift from what the server accepts.
 */
export const adminSchemaRegistry = z.registry<{ id: string; description?: string }>();

/**
 * Registers a schema under a component name for the OpenAPI document and returns it unchanged.
 *
 * @example
 * const RateLimits = named('RateLimits', z.strictObject({ rpm: z.int().positive().optional() }));
 */
export function named<Schema extends z.ZodType>(id: string, schema: Schema, description?: string): Schema {
  adminSchemaRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

export const Role = named('Role', z.enum(['admin', 'team-admin', 'member']));

/** An ISO 8601 date-time with an offset (`2026-01-31T00:00:00Z`, `…+02:00`). */
export const DateTime = z.iso.datetime({ offset: true });

/** Epoch ms as a decimal string, or an ISO date-time: for `since` / `until` in query strings. */
export const Instant = z
  .union([DateTime, z.string().regex(/^\d{1,15}$/)], {
    error: 'expected an ISO date-time or epoch milliseconds',
  })
  .transform((text) => (/^\d+$/.test(text) ? Number(text) : Date.parse(text)));

export const Name = z.string().trim().min(1).max(200);
export const Id = z.string().min(1).max(200);

/** Path parameters of the routes on one record. */
export const IdParams = z.strictObject({ id: Id });

export const RateLimits = named(
  'RateLimits',
  z.strictObject({
    rpm: z.int().positive().optional(),
    tpm: z.int().positive().optional(),
    concurrency: z.int().positive().optional(),
  }),
  'Rate limits; an omitted field is not enforced at this level.',
);

export const Budget = named(
  'Budget',
  z.strictObject({
    usdPerDay: z.number().positive().optional(),
    usdPerMonth: z.number().positive().optional(),
    mode: z.enum(['hard', 'alert']).optional(),
  }),
  'USD budget per UTC day and/or month; `hard` (default) refuses once spent, `alert` only logs.',
);

export const Tags = named(
  'Tags',
  z.record(z.string().min(1).max(100), z.string().max(500)),
  'Free-form labels (cost centre, owner …).',
);

const ModelList = z.array(z.string().min(1).max(200)).max(1000).nullable();
const ProcessingList = z.array(z.string().min(1).max(50)).max(100).nullable();

/** The policy fields teams and keys share, each optional (omitted = default on create, unchanged on patch). */
export const policyFields = {
  models: ModelList.optional().describe('Public model names allowed; null = all.'),
  processing: ProcessingList.optional().describe(
    'Only deployments processing in these geographies or regions (`eu`, `eu-west-1`); null = any.',
  ),
  limits: RateLimits.optional(),
  budget: Budget.optional(),
  tags: Tags.optional(),
};

/** The policy fields as they appear in responses (always present). */
export const policyOutputFields = {
  models: ModelList,
  processing: ProcessingList,
  limits: RateLimits,
  budget: Budget,
  tags: Tags,
};

/** `?limit=&offset=` of a paginated list. */
export const pageQueryFields = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

/**
 * A paginated list of `item`: `{ data, total, limit, offset }`.
 *
 * @example
 * const TeamList = listOf('TeamList', Team);
 */
export function listOf<Item extends z.ZodType>(id: string, item: Item) {
  return named(
    id,
    z.strictObject({
      data: z.array(item),
      total: z.int().min(0),
      limit: z.int(),
      offset: z.int(),
    }),
  );
}

/** The slice of `items` a page asks for, with the envelope lists answer with. */
export function paginate<Item>(items: readonly Item[], page: { limit: number; offset: number }) {
  return {
    data: items.slice(page.offset, page.offset + page.limit),
    total: items.length,
    limit: page.limit,
    offset: page.offset,
  };
}

export const AdminError = named(
  'Error',
  z.strictObject({
    error: z.strictObject({
      message: z.string(),
      type: z.string(),
      code: z.string().describe('Stable error code (docs/errors.md).'),
      param: z.string().nullable().describe('Dotted path of the first bad field, e.g. `limits.rpm`.'),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    }),
  }),
);

/** The body of routes that take none (e.g. revoke): an empty object, or nothing at all. */
export const EmptyBody = z.strictObject({});
