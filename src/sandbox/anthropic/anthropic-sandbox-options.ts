import { z } from 'zod';
import {
  AnthropicModelCatalog,
  type AnthropicModelDefaults,
  type AnthropicSandboxModel,
  DEFAULT_ANTHROPIC_MODELS,
} from './anthropic-models.js';

const capacitySchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  /** Input tokens per minute; cache reads do not count, as on the real API. */
  inputTpm: z.number().int().positive().optional(),
  /** Output tokens per minute, charged with `max_tokens` at admission. */
  outputTpm: z.number().int().positive().optional(),
});

/** Every field optional: an entry for a built-in model overrides just the fields it names. */
const modelSchema = z.strictObject({
  aliases: z.array(z.string().min(1)).optional(),
  vertexId: z.string().min(1).optional(),
  displayName: z.string().min(1).optional(),
  createdAt: z.string().min(1).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  thinking: z.boolean().optional(),
  minCacheableTokens: z.number().int().nonnegative().optional(),
  ttftMs: z.number().nonnegative().optional(),
  tokensPerSecond: z.number().nonnegative().optional(),
});

/**
 * The `anthropic` block of the sandbox options (strict: an unknown key is an error naming its path).
 * @example anthropicSandboxOptionsSchema.parse({ capacity: { 'claude-3-5-haiku-20241022': { rpm: 5 } } })
 */
export const anthropicSandboxOptionsSchema = z
  .strictObject({
    /** Accepted `x-api-key` / Bearer values on api.anthropic.com paths. */
    keys: z.array(z.string().min(1)).min(1).default(['sk-ant-sandbox']),
    /** Accepted Bearer tokens on the Claude-on-Vertex paths. */
    vertexTokens: z.array(z.string().min(1)).min(1).default(['sandbox-vertex-token']),
    /** `anthropic-version` values the API accepts (the current SDK sends a newer date than 2023-06-01). */
    versions: z.array(z.string().min(1)).min(1).default(['2023-01-01', '2023-06-01', '2026-10-21']),
    organizationId: z.string().min(1).default('0b6e2f4c-5d1a-4c3e-9f7a-8e2d1c0b9a87'),
    /** Per model id (or alias): limits; absent means unlimited (nominal figures in headers). */
    capacity: z.record(z.string().min(1), capacitySchema).default({}),
    /** Overrides for built-in models, or new models (which start from Claude Sonnet 4.5's figures). */
    models: z.record(z.string().min(1), modelSchema).default({}),
  })
  .prefault({});

export type AnthropicSandboxOptionsInput = z.input<typeof anthropicSandboxOptionsSchema>;
export type AnthropicSandboxOptions = z.output<typeof anthropicSandboxOptionsSchema>;
export type AnthropicCapacity = z.output<typeof capacitySchema>;

/** What the routes run with: the model catalog built and capacity keyed by dated model id. */
export interface ResolvedAnthropicOptions {
  keys: ReadonlySet<string>;
  vertexTokens: ReadonlySet<string>;
  versions: ReadonlySet<string>;
  organizationId: string;
  catalog: AnthropicModelCatalog;
  capacity: ReadonlyMap<string, AnthropicCapacity>;
}

const NEW_MODEL_BASE = DEFAULT_ANTHROPIC_MODELS['claude-sonnet-4-5-20250929'] as AnthropicModelDefaults;

function buildModels(overrides: AnthropicSandboxOptions['models']): AnthropicSandboxModel[] {
  const models = new Map<string, AnthropicSandboxModel>();
  for (const [id, defaults] of Object.entries(DEFAULT_ANTHROPIC_MODELS)) models.set(id, { id, ...defaults });
  for (const [id, override] of Object.entries(overrides)) {
    const base = models.get(id) ?? { ...NEW_MODEL_BASE, id, aliases: [], vertexId: id, displayName: id };
    const defined = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
    models.set(id, { ...base, ...defined, id });
  }
  return [...models.values()];
}

/**
 * Validates (when given raw input) and resolves the Anthropic options. Throws a ZodError naming the
 * bad path, including a capacity entry for a model no one serves.
 * @example resolveAnthropicOptions({}).catalog.find('claude-3-7-sonnet-latest')?.id
 */
export function resolveAnthropicOptions(
  input: AnthropicSandboxOptionsInput | AnthropicSandboxOptions | ResolvedAnthropicOptions = {},
): ResolvedAnthropicOptions {
  if (input !== undefined && 'catalog' in input) return input;
  const parsed = anthropicSandboxOptionsSchema.parse(input);
  const catalog = new AnthropicModelCatalog(buildModels(parsed.models));
  const capacity = new Map<string, AnthropicCapacity>();
  for (const [name, limits] of Object.entries(parsed.capacity)) {
    const model = catalog.find(name);
    if (model === undefined) {
      throw new z.ZodError([
        {
          code: 'custom',
          path: ['capacity', name],
          message: `unknown model '${name}'; known: ${catalog.models.map((entry) => entry.id).join(', ')}`,
          input: name,
        },
      ]);
    }
    capacity.set(model.id, limits);
  }
  return {
    keys: new Set(parsed.keys),
    vertexTokens: new Set(parsed.vertexTokens),
    versions: new Set(parsed.versions),
    organizationId: parsed.organizationId,
    catalog,
    capacity,
  };
}
