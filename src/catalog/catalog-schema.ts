import { z } from 'zod';
import { hasAtMostDecimals } from './decimal-usd.js';

/**
 * The shape of `data/catalog/<provider>.yaml`. Strict everywhere: an unknown key is a typo, and a
 * typo in a price file silently mis-bills. Prices are USD per 1M tokens with at most 6 decimals
 * (micro-dollar precision per million tokens, i.e. pico-dollars per token).
 */

export const CATALOG_PROVIDER_TYPES = [
  'bedrock',
  'azure-openai',
  'openai',
  'vertex',
  'gemini',
  'anthropic',
] as const;
export type CatalogProviderType = (typeof CATALOG_PROVIDER_TYPES)[number];

export const LIFECYCLE_STATUSES = ['preview', 'ga', 'legacy', 'deprecated', 'retired'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

const GEOGRAPHIES = ['global', 'us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'ca'] as const;

const CAPABILITIES = [
  'tools',
  'vision',
  'json-schema',
  'reasoning',
  'prompt-caching',
  'embeddings',
  'audio',
  'image-generation',
  'transcription',
] as const;

const isoDate = z.iso.date({ message: 'expected a date as YYYY-MM-DD' });

/** USD per 1M tokens (or per unit), exact to the micro-dollar. */
const usdAmountSchema = z
  .number()
  .nonnegative()
  .refine((value) => hasAtMostDecimals(value, 6), { message: 'at most 6 decimal places' });

const tokenRatesShape = {
  input: usdAmountSchema,
  output: usdAmountSchema.optional(),
  /** Prompt tokens read from the provider's cache. Absent: billed at `input`. */
  cacheRead: usdAmountSchema.optional(),
  /** Prompt tokens written to a 5-minute cache entry (Claude: 1.25× input). Absent: billed at `input`. */
  cacheWrite5m: usdAmountSchema.optional(),
  /** Prompt tokens written to a 1-hour cache entry (Claude: 2× input). Absent: billed at `input`. */
  cacheWrite1h: usdAmountSchema.optional(),
  /** Audio input tokens where they differ (informational: canonical usage does not split audio). */
  inputAudio: usdAmountSchema.optional(),
};

const longContextRatesSchema = z.strictObject({
  ...tokenRatesShape,
  /** The tier applies to the whole request when its prompt has more than this many tokens. */
  aboveInputTokens: z.number().int().positive(),
});

const unitPriceSchema = z.strictObject({
  unit: z.enum(['image', 'minute', 'second', 'request', 'character', 'token-hour']),
  usd: usdAmountSchema,
  description: z.string().min(1),
});

export const priceSchema = z.strictObject({
  ...tokenRatesShape,
  /** Absent only on per-unit entries (DALL-E images, Whisper minutes). */
  input: usdAmountSchema.optional(),
  longContext: longContextRatesSchema.optional(),
  /** Batch APIs bill this percentage less (not used for live requests yet). */
  batchDiscountPercent: z.number().min(0).max(100).optional(),
  /** Non-token prices: per image, per audio minute, cache storage per token-hour … */
  units: z.array(unitPriceSchema).optional(),
  /** Where the numbers come from: a document and section, a dataset and commit. */
  source: z.string().min(1),
  /** When the source was read. */
  checked: isoDate,
  /** Copied from the source where it flags a figure as uncertain. */
  confidence: z.literal('unsure').optional(),
  note: z.string().optional(),
});

export const lifecycleSchema = z.strictObject({
  status: z.enum(LIFECYCLE_STATUSES),
  released: isoDate.optional(),
  /** When the provider announced the deprecation (or the model turned legacy). */
  deprecated: isoDate.optional(),
  /** When it stops (or stopped) answering. Past dates count as retired. */
  retires: isoDate.optional(),
  /** The catalog `id` (same file) to move to. */
  replacement: z.string().optional(),
  source: z.string().min(1),
  note: z.string().optional(),
});

const catalogModelShape = z.strictObject({
  /** Stable catalog id, unique within the file; what `catalogModel` in a deployment names. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.:@-]*$/, { message: 'lowercase letters, digits, . : @ -' }),
  name: z.string().min(1),
  vendor: z.enum(['anthropic', 'openai', 'google', 'meta', 'mistral', 'cohere', 'amazon']),
  kind: z.enum(['chat', 'embedding', 'image', 'audio']),
  /**
   * Ids as the provider takes them: Bedrock base model ids (profile prefixes are stripped before
   * lookup), Azure model names (+ dated versions), OpenAI / Gemini / Vertex / Anthropic model ids.
   */
  upstreamIds: z.array(z.string().min(1)).min(1),
  /** Bedrock cross-region inference-profile prefixes known to exist for the model. */
  inferenceProfiles: z.array(z.enum(GEOGRAPHIES)).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  embeddingDimensions: z.number().int().positive().optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  /** Regions named by the sources (not an exhaustive availability list). */
  regions: z.array(z.string().min(1)).optional(),
  /** Processing geographies the model can be pinned to. */
  residency: z.array(z.enum(GEOGRAPHIES)).optional(),
  residencyNote: z.string().optional(),
  lifecycle: lifecycleSchema,
  /** List price on the standard (regional / geographic) endpoint. */
  price: priceSchema.optional(),
  /** Price through a global endpoint when it differs (Bedrock `global.` profiles, Vertex `global`). */
  globalPrice: priceSchema.optional(),
  note: z.string().optional(),
});

/** Token-priced kinds need token rates; chat models need an output rate too. */
export const catalogModelSchema = catalogModelShape.superRefine((model, context) => {
  const tokenPriced = model.kind === 'chat' || model.kind === 'embedding';
  for (const key of ['price', 'globalPrice'] as const) {
    const price = model[key];
    if (price === undefined || !tokenPriced) continue;
    if (price.input === undefined)
      context.addIssue({
        code: 'custom',
        path: [key, 'input'],
        message: `a ${model.kind} price needs input`,
      });
    if (model.kind === 'chat' && price.output === undefined)
      context.addIssue({ code: 'custom', path: [key, 'output'], message: 'a chat price needs output' });
  }
});

/**
 * One catalog file. Cross-entry rules: ids and upstream ids are unique, replacements name an entry
 * of the same file.
 *
 * @example
 * catalogFileSchema.parse(parseYaml(readFileSync('data/catalog/openai.yaml', 'utf8')));
 */
export const catalogFileSchema = z
  .strictObject({
    provider: z.enum(CATALOG_PROVIDER_TYPES),
    models: z.array(catalogModelSchema).min(1),
  })
  .superRefine((file, context) => {
    const ids = new Set<string>();
    const upstreamIds = new Map<string, string>();
    file.models.forEach((model, index) => {
      if (ids.has(model.id))
        context.addIssue({
          code: 'custom',
          path: ['models', index, 'id'],
          message: `duplicate id "${model.id}"`,
        });
      ids.add(model.id);
      model.upstreamIds.forEach((upstreamId, position) => {
        const owner = upstreamIds.get(upstreamId);
        if (owner !== undefined)
          context.addIssue({
            code: 'custom',
            path: ['models', index, 'upstreamIds', position],
            message: `"${upstreamId}" is already listed by "${owner}"`,
          });
        upstreamIds.set(upstreamId, model.id);
      });
    });
    file.models.forEach((model, index) => {
      const replacement = model.lifecycle.replacement;
      if (replacement !== undefined && !ids.has(replacement))
        context.addIssue({
          code: 'custom',
          path: ['models', index, 'lifecycle', 'replacement'],
          message: `no model with id "${replacement}" in this file`,
        });
    });
  });

export type Price = z.output<typeof priceSchema>;
export type Lifecycle = z.output<typeof lifecycleSchema>;
export type CatalogModel = z.output<typeof catalogModelSchema>;
export type CatalogFile = z.output<typeof catalogFileSchema>;
