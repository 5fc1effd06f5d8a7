import { z } from 'zod';
import type { CapacityLimits } from '../engine/capacity-limiter.js';
import {
  BEDROCK_DEFAULT_MODELS,
  type BedrockModel,
  familyOf,
  INFERENCE_PROFILE_PREFIXES,
} from './bedrock-models.js';

const capacitySchema = z.strictObject({
  tpm: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
});

/** Every field optional: an entry for a built-in model overrides just the fields it names. */
const bedrockModelSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).optional(),
  family: z.enum(['anthropic', 'meta', 'mistral', 'cohere', 'titan-text', 'titan-embed']).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().nonnegative().optional(),
  ttftMs: z.number().nonnegative().optional(),
  tokensPerSecond: z.number().nonnegative().optional(),
  embeddingDimensions: z.number().int().positive().optional(),
  cacheMinTokens: z.number().int().positive().optional(),
});

/** AWS's documentation example pair: obviously fake, and recognisable in logs. */
export const SANDBOX_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SANDBOX_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const SANDBOX_BEDROCK_API_KEY = 'ABSKc2FuZGJveC1iZWRyb2NrLWFwaS1rZXk=';

/**
 * The `bedrock` section of the sandbox options.
 * @example bedrockSandboxOptionsSchema.parse({ capacity: { 'anthropic.claude-3-5-haiku-20241022-v1:0': { rpm: 2 } } })
 */
export const bedrockSandboxOptionsSchema = z
  .strictObject({
    /** The region signatures must be scoped to, and that ARNs name. */
    region: z.string().min(1).default('us-east-1'),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .default('123456789012'),
    /** Accepted SigV4 key pairs. */
    credentials: z
      .array(z.strictObject({ accessKeyId: z.string().min(16), secretAccessKey: z.string().min(1) }))
      .min(1)
      .default([{ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }]),
    /** Accepted Bedrock API keys (`Authorization: Bearer …`). */
    apiKeys: z.array(z.string().min(1)).default([SANDBOX_BEDROCK_API_KEY]),
    models: z.record(z.string().min(1), bedrockModelSchema).default({}),
    /** On-demand RPM/TPM per model id or inference-profile id. */
    capacity: z.record(z.string().min(1), capacitySchema).default({}),
    /** Provisioned throughput, by name: served at `arn:aws:bedrock:{region}:{accountId}:provisioned-model/{name}`. */
    provisioned: z
      .record(
        z.string().regex(/^[a-zA-Z0-9-]{1,64}$/),
        z.strictObject({ model: z.string().min(1), capacity: capacitySchema.optional() }),
      )
      .default({}),
    /** In a prompt sent with `guardrailConfig`, this word makes the guardrail intervene. */
    guardrailMarker: z.string().min(1).default('GUARDRAIL_BLOCK'),
  })
  .prefault({});

export type BedrockSandboxOptions = z.input<typeof bedrockSandboxOptionsSchema>;

export interface ProvisionedModel {
  name: string;
  model: string;
  arn: string;
  capacity: CapacityLimits;
}

export interface ResolvedBedrockOptions {
  region: string;
  accountId: string;
  credentials: readonly { accessKeyId: string; secretAccessKey: string }[];
  apiKeys: readonly string[];
  models: Readonly<Record<string, BedrockModel>>;
  /** Inference-profile id → foundation model id (`us.anthropic.…` → `anthropic.…`). */
  profiles: Readonly<Record<string, string>>;
  capacity: Readonly<Record<string, CapacityLimits>>;
  provisioned: Readonly<Record<string, ProvisionedModel>>;
  guardrailMarker: string;
}

function resolveModels(
  overrides: Record<string, z.output<typeof bedrockModelSchema>>,
): Record<string, BedrockModel> {
  const models: Record<string, BedrockModel> = {};
  for (const [id, defaults] of Object.entries(BEDROCK_DEFAULT_MODELS)) models[id] = { id, ...defaults };
  const fallback = BEDROCK_DEFAULT_MODELS['meta.llama3-3-70b-instruct-v1:0'];
  for (const [id, override] of Object.entries(overrides)) {
    const base = models[id] ?? {
      id,
      ...(fallback as Omit<BedrockModel, 'id'>),
      snapshot: id,
      family: familyOf(id),
    };
    const defined = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
    models[id] = { ...base, ...defined, id };
  }
  return models;
}

function unknownModel(path: (string | number)[], model: string, known: Record<string, unknown>): z.ZodError {
  return new z.ZodError([
    {
      code: 'custom',
      path,
      message: `unknown model '${model}'; known: ${Object.keys(known).join(', ')}`,
      input: model,
    },
  ]);
}

/**
 * Fills the Bedrock defaults: built-in models merged with `models`, a `us.`/`eu.` inference profile
 * for every Claude model, provisioned ARNs. Throws a ZodError (path under `bedrock`) for a provisioned
 * entry naming an unknown model.
 */
export function resolveBedrockOptions(
  parsed: z.output<typeof bedrockSandboxOptionsSchema>,
): ResolvedBedrockOptions {
  const models = resolveModels(parsed.models);
  const profiles: Record<string, string> = {};
  for (const model of Object.values(models)) {
    if (model.family !== 'anthropic') continue;
    for (const prefix of INFERENCE_PROFILE_PREFIXES) profiles[`${prefix}.${model.id}`] = model.id;
  }
  const provisioned: Record<string, ProvisionedModel> = {};
  for (const [name, entry] of Object.entries(parsed.provisioned)) {
    if (!models[entry.model])
      throw unknownModel(['bedrock', 'provisioned', name, 'model'], entry.model, models);
    provisioned[name] = {
      name,
      model: entry.model,
      arn: `arn:aws:bedrock:${parsed.region}:${parsed.accountId}:provisioned-model/${name}`,
      capacity: entry.capacity ?? {},
    };
  }
  return {
    region: parsed.region,
    accountId: parsed.accountId,
    credentials: parsed.credentials,
    apiKeys: parsed.apiKeys,
    models,
    profiles,
    capacity: parsed.capacity,
    provisioned,
    guardrailMarker: parsed.guardrailMarker,
  };
}
