import { z } from 'zod';
import {
  anthropicSandboxOptionsSchema,
  type ResolvedAnthropicOptions,
  resolveAnthropicOptions,
} from './anthropic/anthropic-sandbox-options.js';
import {
  bedrockSandboxOptionsSchema,
  type ResolvedBedrockOptions,
  resolveBedrockOptions,
} from './bedrock/bedrock-sandbox-options.js';
import { DEFAULT_MODELS, type SandboxModel } from './default-models.js';
import type { CapacityLimits } from './engine/capacity-limiter.js';
import type { FaultRates } from './engine/faults.js';
import { type GeminiSandboxOptions, geminiSandboxOptionsSchema } from './gemini/gemini-sandbox-options.js';

const capacitySchema = z.strictObject({
  tpm: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
});

/** Every field optional: an entry for a default model overrides just the fields it names. */
const modelSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().nonnegative().optional(),
  ttftMs: z.number().nonnegative().optional(),
  tokensPerSecond: z.number().nonnegative().optional(),
  reasoning: z.boolean().optional(),
  embeddingDimensions: z.number().int().positive().optional(),
  snapshot: z.string().min(1).optional(),
  encoding: z.enum(['o200k_base', 'cl100k_base']).optional(),
  created: z.number().int().optional(),
  ownedBy: z.string().optional(),
});

const deploymentSchema = z.strictObject({
  model: z.string().min(1),
  capacity: capacitySchema.optional(),
  region: z.string().min(1).optional(),
  type: z.enum(['standard', 'provisioned']).optional(),
});

const rate = z.number().min(0).max(1).optional();

/**
 * Options for `startSandbox` and the `converge sandbox --config` YAML file. Strict: an unknown key is an
 * error naming its path.
 * @example sandboxOptionsSchema.parse({ latency: 'zero', azure: { deployments: { chat: { model: 'gpt-4o' } } } })
 */
export const sandboxOptionsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  latency: z.enum(['realistic', 'zero']).default('realistic'),
  models: z.record(z.string().min(1), modelSchema).default({}),
  openai: z
    .strictObject({
      keys: z.array(z.string().min(1)).min(1).default(['sk-sandbox']),
      organization: z.string().min(1).default('org-sandbox'),
      capacity: z.record(z.string().min(1), capacitySchema).default({}),
    })
    .prefault({}),
  azure: z
    .strictObject({
      keys: z.array(z.string().min(1)).min(1).default(['sandbox-azure-key']),
      region: z.string().min(1).default('East US'),
      /** Absent: one standard deployment per model, named like the model. */
      deployments: z.record(z.string().min(1), deploymentSchema).optional(),
    })
    .prefault({}),
  faults: z
    .strictObject({
      rate: z.strictObject({ '500': rate, '503': rate, '429': rate, timeout: rate, reset: rate }).default({}),
      seed: z.number().int().default(1),
    })
    .prefault({}),
  contentFilter: z
    .strictObject({
      promptMarker: z.string().min(1).default('CF_BLOCK_PROMPT'),
      outputMarker: z.string().min(1).default('CF_BLOCK_OUTPUT'),
    })
    .prefault({}),
  promptCache: z
    .strictObject({
      ttlMs: z.number().int().positive().default(600_000),
      maxEntries: z.number().int().positive().default(50_000),
    })
    .prefault({}),
  bedrock: bedrockSandboxOptionsSchema,
  gemini: geminiSandboxOptionsSchema,
  anthropic: anthropicSandboxOptionsSchema,
});

export type SandboxOptions = z.input<typeof sandboxOptionsSchema>;

export interface SandboxDeployment {
  name: string;
  model: string;
  capacity: CapacityLimits;
  region: string;
  type: 'standard' | 'provisioned';
}

export interface ResolvedSandboxOptions {
  host: string;
  port: number;
  latency: 'realistic' | 'zero';
  models: Readonly<Record<string, SandboxModel>>;
  openai: {
    keys: readonly string[];
    organization: string;
    capacity: Readonly<Record<string, CapacityLimits>>;
  };
  azure: {
    keys: readonly string[];
    region: string;
    deployments: Readonly<Record<string, SandboxDeployment>>;
  };
  faults: { rate: FaultRates; seed: number };
  contentFilter: { promptMarker: string; outputMarker: string };
  promptCache: { ttlMs: number; maxEntries: number };
  bedrock: ResolvedBedrockOptions;
  gemini: GeminiSandboxOptions;
  anthropic: ResolvedAnthropicOptions;
}

function resolveModels(
  overrides: Record<string, z.output<typeof modelSchema>>,
): Record<string, SandboxModel> {
  const models: Record<string, SandboxModel> = {};
  for (const [id, defaults] of Object.entries(DEFAULT_MODELS)) models[id] = { id, ...defaults };
  for (const [id, override] of Object.entries(overrides)) {
    const base = models[id] ?? {
      id,
      ...(DEFAULT_MODELS['gpt-4o'] as Omit<SandboxModel, 'id'>),
      snapshot: id,
    };
    const kind = override.kind ?? base.kind;
    const embedding = kind === 'embedding' && base.kind !== 'embedding';
    models[id] = {
      ...base,
      // A new embedding model starts from embedding-shaped defaults, not gpt-4o's.
      ...(embedding
        ? { maxOutputTokens: 0, contextWindow: 8191, encoding: 'cl100k_base', embeddingDimensions: 1536 }
        : {}),
      ...Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined)),
      id,
    };
  }
  return models;
}

/**
 * Validates options and fills every default: models merged over the built-in table, one Azure
 * deployment per model unless deployments are given. Throws a ZodError naming the bad path.
 */
export function resolveSandboxOptions(input: SandboxOptions = {}): ResolvedSandboxOptions {
  const parsed = sandboxOptionsSchema.parse(input);
  const models = resolveModels(parsed.models);
  const region = parsed.azure.region;
  const deploymentInput: Record<string, z.output<typeof deploymentSchema>> = parsed.azure.deployments ??
  Object.fromEntries(Object.keys(models).map((id) => [id, { model: id }]));
  const deployments: Record<string, SandboxDeployment> = {};
  for (const [name, deployment] of Object.entries(deploymentInput)) {
    if (!models[deployment.model]) {
      throw new z.ZodError([
        {
          code: 'custom',
          path: ['azure', 'deployments', name, 'model'],
          message: `unknown model '${deployment.model}'; known: ${Object.keys(models).join(', ')}`,
          input: deployment.model,
        },
      ]);
    }
    deployments[name] = {
      name,
      model: deployment.model,
      capacity: deployment.capacity ?? {},
      region: deployment.region ?? region,
      type: deployment.type ?? 'standard',
    };
  }
  return {
    host: parsed.host,
    port: parsed.port,
    latency: parsed.latency,
    models,
    openai: parsed.openai,
    azure: { keys: parsed.azure.keys, region, deployments },
    faults: parsed.faults,
    contentFilter: parsed.contentFilter,
    promptCache: parsed.promptCache,
    bedrock: resolveBedrockOptions(parsed.bedrock),
    gemini: parsed.gemini,
    anthropic: resolveAnthropicOptions(parsed.anthropic),
  };
}

/** The options a bare `startSandbox()` runs with. */
export function defaultSandboxOptions(): ResolvedSandboxOptions {
  return resolveSandboxOptions({});
}
