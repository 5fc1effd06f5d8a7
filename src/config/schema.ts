import { z } from 'zod';
import { deploymentPricingSchema } from '../catalog/price-override-schema.js';
import { providerConfigSchema } from './provider-schemas.js';

export { providerConfigSchema } from './provider-schemas.js';

/** `${NAME}` references are replaced from the environment before validation (see load-config.ts). */

const processingSchema = z
  .string()
  .regex(/^(eu|us|global|apac|[a-z]{2}-[a-z]+-\d|[a-z]+\d*|[a-z]+(-[a-z]+)+-?\d+)$/, {
    message: 'expected eu, us, global, apac or a region such as eu-west-1 / swedencentral / europe-west4',
  });

/** What a deployment can do; a request needing something a deployment lacks skips it (routing filter). */
export const capabilitySchema = z.enum(['tools', 'vision', 'json-schema', 'embeddings']);

/** USD per 1M tokens. Interim until the catalog (issue #6) supplies prices. */
const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
});

export const deploymentConfigSchema = z.strictObject({
  /** Price source: the catalog model to price by, a discount, explicit prices, provisioned cost. */
  pricing: deploymentPricingSchema.optional(),
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
  /** Cloud partition (`aws`, `aws-eusc`, `aws-us-gov` …); a sovereign partition fixes the geography. */
  partition: z.string().min(1).optional(),
  /** Share of traffic under the `weighted` strategy; 0 = only as a fallback. */
  weight: z.number().nonnegative().default(1),
  /** Prompt + output tokens the deployment accepts; unknown = not filtered on. */
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  /** What the deployment supports; omit for everything. */
  capabilities: z.array(capabilitySchema).optional(),
  price: priceSchema.optional(),
});

export const modelConfigSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).default('chat'),
  aliases: z.array(z.string().min(1)).default([]),
  /** Candidate deployments in priority order. */
  deployments: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
  /** How candidates are ordered: see docs/configuration.md#routing. */
  strategy: z.enum(['priority', 'weighted', 'least-latency', 'lowest-cost']).default('priority'),
  /** Only deployments processing in these geographies or regions serve this model. */
  processing: z.array(processingSchema).min(1).optional(),
});

/** Per-key rate limits; an omitted field falls back to `limits.defaultKey.limits`, else is unlimited. */
export const keyRateLimitsSchema = z.strictObject({
  /** Requests per minute (sliding estimate over the aligned minute and the one before). */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute: estimated prompt + max output reserved before the call, reconciled after. */
  tpm: z.number().int().positive().optional(),
  /** Requests in flight at once (streams count until they end). */
  concurrency: z.number().int().positive().optional(),
});

/** A USD budget per UTC day and/or month; omitted fields fall back to `limits.defaultKey.budget`. */
export const keyBudgetSchema = z.strictObject({
  usdPerDay: z.number().positive().optional(),
  usdPerMonth: z.number().positive().optional(),
  /** `hard` refuses with 429 `budget_exceeded` once spent; `alert` only logs. Default `hard`. */
  mode: z.enum(['hard', 'alert']).optional(),
});

/** Where limit counters live, what happens when that store fails, and the defaults every key gets. */
export const limitsConfigSchema = z.strictObject({
  store: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('memory'),
        /** Budget spend is saved here so a restart keeps it; default `<storage.dataDir>/limit-spend.json`. */
        spendFile: z.string().min(1).optional(),
        persistIntervalMs: z.number().int().positive().default(10_000),
      }),
      z.strictObject({
        type: z.literal('redis'),
        url: z.string().min(1).default('redis://127.0.0.1:6379'),
        keyPrefix: z.string().default('converge:limits:'),
        commandTimeoutMs: z.number().int().positive().default(1_000),
      }),
    ])
    .default({ type: 'memory', persistIntervalMs: 10_000 }),
  /** When the store cannot answer: serve without limits, or refuse with 503 `limits_unavailable`. */
  onStoreError: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  /** Limits and budget of every key that sets none of its own. */
  defaultKey: z
    .strictObject({ limits: keyRateLimitsSchema.optional(), budget: keyBudgetSchema.optional() })
    .prefault({}),
  /** Output tokens reserved (TPM) and priced (budgets) for a request without max_tokens. */
  defaultMaxOutputTokens: z.number().int().positive().default(4096),
  /** The price budgets use until the catalog prices deployments; deliberately high. */
  defaultPrice: z
    .strictObject({
      inputUsdPerMillion: z.number().nonnegative().default(15),
      outputUsdPerMillion: z.number().nonnegative().default(75),
    })
    .prefault({}),
  /** A concurrency slot of a replica that died frees itself after this long. */
  leaseMs: z.number().int().min(1_000).default(60_000),
});

export const staticKeyConfigSchema = z.strictObject({
  name: z.string().min(1),
  /** The key itself, usually `${ENV_VAR}`. Stored hashed; never logged. */
  key: z.string().min(16, { message: 'keys must be at least 16 characters' }),
  /** Models this key may use (public names); omit for all. */
  models: z.array(z.string()).optional(),
  /** Residency: only deployments processing in these geographies or regions (e.g. `[eu]`); omit for any. */
  processing: z.array(processingSchema).min(1).optional(),
  /** May steer routing per request with `x-converge-route` and `x-converge-max-cost-usd`. */
  allowRouteOverride: z.boolean().default(false),
  limits: keyRateLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
});

const positiveMs = z.number().int().positive();

/** Retries, timeouts, circuit breakers and capacity accounting for every upstream call. */
export const routingConfigSchema = z.strictObject({
  retries: z
    .strictObject({
      /** Attempts on one deployment within one request (1 = no retry, only failover). */
      attemptsPerTarget: z.number().int().min(1).max(10).default(1),
      /** Upper bound for attempts across all candidates; default: candidates × attemptsPerTarget. */
      maxAttempts: z.number().int().min(1).max(50).optional(),
      /** Full-jitter exponential backoff: random(0, min(maxDelayMs, baseDelayMs × 2^retry)). */
      baseDelayMs: z.number().int().nonnegative().default(100),
      maxDelayMs: z.number().int().nonnegative().default(2_000),
      /** A retry-after hint longer than this moves on to the next candidate instead of waiting. */
      maxRetryAfterMs: z.number().int().nonnegative().default(1_000),
    })
    .prefault({}),
  timeouts: z
    .strictObject({
      /** TCP/TLS connect to an upstream (undici pool option). */
      connectMs: positiveMs.default(10_000),
      /**
       * Per attempt: to the first streamed token, or to the whole response when not streaming. Unset:
       * only `totalMs` applies (reasoning models may think for minutes before their first token).
       */
      firstTokenMs: positiveMs.optional(),
      /** Per attempt, to the last byte; default `server.upstreamTimeoutMs`. */
      totalMs: positiveMs.optional(),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      /** Opens after this many failures in a row … */
      consecutiveFailures: z.number().int().min(1).default(5),
      /** … or when this share of calls in the window failed (with at least `minimumCalls`). */
      failureRate: z.number().gt(0).max(1).default(0.5),
      minimumCalls: z.number().int().min(1).default(50),
      windowMs: positiveMs.default(60_000),
      /** How long it stays open before half-open probes are let through. */
      openMs: positiveMs.default(30_000),
      halfOpenProbes: z.number().int().min(1).default(1),
    })
    .prefault({}),
  capacity: z
    .strictObject({
      /** Output tokens reserved when a request sets no cap and the deployment declares no maximum. */
      defaultOutputTokens: z.number().int().positive().default(1_000),
    })
    .prefault({}),
  latency: z
    .strictObject({
      /** Weight of the newest sample in the moving averages of TTFT and tokens/s. */
      smoothing: z.number().gt(0).max(1).default(0.3),
      /** Older averages are forgotten so a recovered deployment gets probed again. */
      staleAfterMs: positiveMs.default(300_000),
    })
    .prefault({}),
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
      /** Shed every new request (503 `overloaded`) while the event loop's p99 delay exceeds this. */
      maxEventLoopLagMs: z.number().int().positive().default(250),
      /**
       * The queueing delay new requests are kept under: while the median event-loop delay of a 250 ms
       * window exceeds it (a standing queue), a share of new requests proportional to how far behind the
       * loop is gets 503 `overloaded` (src/server/load-shedder.ts).
       */
      targetEventLoopDelayMs: z.number().int().positive().default(30),
      /** Shed new requests while this many are in flight, rather than queue without bound. */
      maxInflightRequests: z.number().int().positive().default(20_000),
      /** Serve TLS (HTTPS, with HTTP/2 negotiated by ALPN) from these PEM files; omit for cleartext. */
      tls: z.strictObject({ keyFile: z.string().min(1), certFile: z.string().min(1) }).optional(),
      /** Keep-alive connections per upstream origin. */
      upstreamConnectionsPerOrigin: z.number().int().positive().default(4096),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** `sqlite` (embedded, one node) or `postgres` (shared by every replica of a cluster). */
      type: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** SQLite file, master key and limit spend file live here. */
      dataDir: z.string().default('./.converge'),
      /** PostgreSQL connection string (`postgres://user:password@host:5432/db`); required for `postgres`. */
      url: z.string().min(1).optional(),
      /** PostgreSQL schema (created if missing); default the connection's `search_path` (`public`). */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'a lowercase SQL identifier' })
        .optional(),
      poolSize: z.number().int().positive().default(10),
      /** A PostgreSQL statement that takes longer fails (the gateway then serves from memory). */
      statementTimeoutMs: z.number().int().positive().default(5_000),
      /** How often every replica re-reads changed keys and teams (revocations land within this). */
      refreshIntervalMs: z.number().int().positive().default(2_000),
      /**
       * While the store cannot be read or written: keep serving from memory and buffer usage rows
       * (`fail-open`), or refuse with 503 `storage_unavailable` (`fail-closed`).
       */
      onUnavailable: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
    })
    .superRefine((storage, context) => {
      if (storage.type === 'postgres' && storage.url === undefined) {
        context.addIssue({ code: 'custom', path: ['url'], message: 'storage.type postgres needs a url' });
      }
    })
    .prefault({}),
  /** The admin API (`/admin/v1`). */
  admin: z
    .strictObject({
      /** The master admin key, usually `${CONVERGE_ADMIN_KEY}`; unset = only admin-role keys can administer. */
      masterKey: z.string().min(16, { message: 'the admin key must be at least 16 characters' }).optional(),
    })
    .prefault({}),
  /**
   * Virtual-key auth, limits and budgets, and usage rows. Off only for benchmarks that measure what
   * governance costs: every request is then served anonymously and nothing is accounted.
   */
  governance: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
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
  limits: limitsConfigSchema.prefault({}),
  routing: routingConfigSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerConfigSchema>;
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
export type RoutingConfig = z.output<typeof routingConfigSchema>;
export type StaticKeyConfig = z.output<typeof staticKeyConfigSchema>;
export type LimitsConfig = z.output<typeof limitsConfigSchema>;
export type Capability = z.output<typeof capabilitySchema>;
