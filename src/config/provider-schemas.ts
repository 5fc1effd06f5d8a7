import { z } from 'zod';

/** Provider accounts: a discriminated union on `type`, one strict shape per upstream. */

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

const awsCredentialsSchema = z.discriminatedUnion('type', [
  /** env, shared profile, SSO, web identity, ECS/EC2 instance role — the AWS SDK's default chain. */
  z.strictObject({ type: z.literal('default-chain'), profile: z.string().optional() }),
  z.strictObject({
    type: z.literal('keys'),
    accessKeyId: secret,
    secretAccessKey: secret,
    sessionToken: z.string().optional(),
  }),
  /** A Bedrock API key, sent as `Authorization: Bearer`. */
  z.strictObject({ type: z.literal('bearer'), token: secret }),
]);

const bedrockProviderSchema = z.strictObject({
  type: z.literal('bedrock'),
  region: z.string().min(1),
  partition: z.enum(['aws', 'aws-us-gov', 'aws-cn', 'aws-eusc']).default('aws'),
  credentials: awsCredentialsSchema.default({ type: 'default-chain' }),
  /** Override the runtime endpoint (VPC endpoint, FIPS, or a sandbox). */
  endpoint: z.url().optional(),
});

const googleCredentialsSchema = z.discriminatedUnion('type', [
  /** Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server. */
  z.strictObject({ type: z.literal('adc') }),
  z.strictObject({ type: z.literal('service-account-file'), path: z.string().min(1) }),
  /** The service-account JSON itself, usually `${ENV}`. */
  z.strictObject({ type: z.literal('service-account-json'), json: secret }),
  /** A fixed OAuth access token (tests, sandboxes, short jobs). */
  z.strictObject({ type: z.literal('access-token'), token: secret }),
]);

const vertexProviderSchema = z.strictObject({
  type: z.literal('vertex'),
  project: z.string().min(1),
  /** A region (`europe-west4`), a multi-region (`us`, `eu`) or `global`. */
  location: z.string().min(1),
  credentials: googleCredentialsSchema.default({ type: 'adc' }),
  /** Override the endpoint (Private Service Connect, or a sandbox). */
  endpoint: z.url().optional(),
});

const geminiProviderSchema = z.strictObject({
  type: z.literal('gemini'),
  apiKey: secret,
  baseURL: z.url().default('https://generativelanguage.googleapis.com'),
});

const anthropicProviderSchema = z.strictObject({
  type: z.literal('anthropic'),
  apiKey: secret,
  baseURL: z.url().default('https://api.anthropic.com'),
  version: z.string().default('2023-06-01'),
  /** Extra `anthropic-beta` features to request on every call. */
  betas: z.array(z.string()).default([]),
});

const sandboxProviderSchema = z.strictObject({
  type: z.literal('sandbox'),
  /** Which provider's wire protocol the in-process sandbox emulates for this account. */
  emulate: z.enum(['openai', 'azure-openai', 'bedrock', 'vertex', 'gemini', 'anthropic']),
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openAIProviderSchema,
  azureOpenAIProviderSchema,
  openAICompatibleProviderSchema,
  bedrockProviderSchema,
  vertexProviderSchema,
  geminiProviderSchema,
  anthropicProviderSchema,
  sandboxProviderSchema,
]);

// Also accepts Google regions (`europe-west4`, `us-central1`) and AWS GovCloud ones (`us-gov-west-1`).
