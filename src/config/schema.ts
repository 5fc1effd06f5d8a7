import { z } from 'zod';

/** `${NAME}` references are replaced from the environment before validation (see load-config.ts). */

const secret = z.string().min(1);

const openAIProviderSchema = z.strictObject({
  type: z.literal('openai'),
  apiKey: secret,
  baseURL: z.url().default('https://api.openai.com/v1'),
  organization: z.string().optional(),
  project: z.string().optional(),
});

const azureAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('api-key'), apiKey: secret }),
  z.strictObject({
    type: z.literal('entra'),
    /** Omit all three to use DefaultAzureCredential (managed identity, workload identity, az login …). */
    tenantId: z.string().optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    scope: z.string().default('https://cognitiveservices.azure.com/.default'),
  }),
]);

const azureOpenAIProviderSchema = z.strictObject({
  type: z.literal('azure-openai'),
  /** e.g. https://my-resource.openai.azure.com */
  endpoint: z.url(),
  /** Shorthand for `auth: {type: api-key, apiKey}`. */
  apiKey: secret.optional(),
  auth: azureAuthSchema.optional(),
  apiVersion: z.string().default('2024-10-21'),
  region: z.string().optional(),
});

const openAICompatibleProviderSchema = z.strictObject({
  type: z.literal('openai-compatible'),
  baseURL: z.url(),
  apiKey: secret.optional(),
  /** Which server's quirks to apply: see docs/configuration.md. */
  flavor: z.enum(['generic', 'vllm', 'ollama', 'llamacpp']).default('generic'),
  headers: z.record(z.string(), z.string()).optional(),
});

const sandboxProviderSchema = z.strictObject({
  type: z.literal('sandbox'),
  /** Which provider's wire protocol the in-process sandbox emulates for this account. */
  emulate: z.enum(['openai', 'azure-openai']),
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openAIProviderSchema,
  azureOpenAIProviderSchema,
  openAICompatibleProviderSchema,
  sandboxProviderSchema,
]);

const processingSchema = z.string().regex(/^(eu|us|global|apac|[a-z]{2}-[a-z]+-\d|[a-z]+)$/, {
  message: 'expected eu, us, global, apac or a region such as eu-west-1 / swedencentral',
});

export const deploymentConfigSchema = z.strictObject({
  provider: z.string().min(1),
  /** Upstream id: OpenAI model, Azure deployment name, Bedrock model or inference-profile id. */
  model: z.string().min(1),
  capacity: z
    .union([
      z.literal('on-demand'),
      z.strictObject({
        provisioned: z.strictObject({
          tpm: z.number().int().positive().optional(),
          rpm: z.number().int().positive().optional(),
        }),
      }),
    ])
    .default('on-demand'),
  processing: processingSchema.default('global'),
});

export const modelConfigSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).default('chat'),
  aliases: z.array(z.string().min(1)).default([]),
  /** Candidate deployments in priority order. */
  deployments: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
});

export const staticKeyConfigSchema = z.strictObject({
  name: z.string().min(1),
  /** The key itself, usually `${ENV_VAR}`. Stored hashed; never logged. */
  key: z.string().min(16, { message: 'keys must be at least 16 characters' }),
  /** Models this key may use (public names); omit for all. */
  models: z.array(z.string()).optional(),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4000),
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      /** How long a shutdown waits for in-flight requests and streams before cutting them. */
      shutdownGraceMs: z.number().int().nonnegative().default(10_000),
      /** Upper bound for one upstream call, headers to last byte. */
      upstreamTimeoutMs: z.number().int().positive().default(600_000),
    })
    .prefault({}),
  storage: z
    .strictObject({
      type: z.literal('sqlite').default('sqlite'),
      dataDir: z.string().default('./.converge'),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  usage: z
    .strictObject({
      flushIntervalMs: z.number().int().positive().default(1000),
      maxBatchSize: z.number().int().positive().default(500),
    })
    .prefault({}),
  providers: z.record(z.string(), providerConfigSchema).default({}),
  deployments: z.record(z.string(), deploymentConfigSchema).default({}),
  models: z.record(z.string(), modelConfigSchema).default({}),
  keys: z.array(staticKeyConfigSchema).default([]),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerConfigSchema>;
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
