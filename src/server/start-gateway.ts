import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createPriceResolver } from '../catalog/create-price-resolver.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import type { Config } from '../config/schema.js';
import { createKeyResolver, hashKey } from '../pipeline/auth/key-resolver.js';
import { createCatalogLimitPricing } from '../pipeline/limits/catalog-limit-pricing.js';
import { createFlatPricing } from '../pipeline/limits/limit-pricing.js';
import { openLimits } from '../pipeline/limits/open-limits.js';
import { ModelRegistry } from '../pipeline/route/model-registry.js';
import { createHttpClient } from '../providers/http/http-client.js';
import type { RunningSandbox } from '../sandbox/index.js';
import { generateKeySecret, keyPrefix } from '../security/generate-key-secret.js';
import { loadMasterKey } from '../security/master-key.js';
import { createSecretBox } from '../security/secret-box.js';
import { createBatchingUsageRecorder } from '../storage/batching-usage-recorder.js';
import { openStorage, type Storage, type StorageOptions } from '../storage/open-storage.js';
import type { KeyStore } from '../storage/types.js';
import { buildProviders } from './build-providers.js';
import { createServer } from './create-server.js';
import { Gateway } from './gateway.js';
import { LoadShedder } from './load-shedder.js';

export interface StartOptions {
  config: Config;
  log: Logger;
  /** Fixes the dev key (sandbox mode). Otherwise a fresh one is generated and returned once. */
  devKey?: string;
}

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  /** The dev key in sandbox mode; undefined when cloud providers are configured. */
  devKey: string | undefined;
  sandbox: RunningSandbox | undefined;
  /** The stores, for tools and tests that read what the gateway wrote. */
  storage: Storage;
  close(): Promise<void>;
}

/** Makes the store match the config's `keys`: upserts those listed, revokes config keys no longer listed. */
export async function syncConfiguredKeys(config: Pick<Config, 'keys'>, keys: KeyStore): Promise<void> {
  const listed = new Set(config.keys.map((key) => key.name));
  for (const stored of await keys.list()) {
    if (stored.source === 'config' && stored.revokedAt === null && !listed.has(stored.name))
      await keys.revoke(stored.id);
  }
  for (const key of config.keys) {
    await keys.upsertByName({
      name: key.name,
      hash: hashKey(key.key),
      prefix: keyPrefix(key.key),
      models: key.models ?? null,
      processing: key.processing ?? null,
      allowRouteOverride: key.allowRouteOverride,
      limits: key.limits ?? {},
      budget: key.budget ?? {},
      source: 'config',
    });
  }
}

/** The configured backend: SQLite in the data directory, or the cluster's PostgreSQL. */
export function storageOptionsOf(config: Config): StorageOptions {
  const storage = config.storage;
  if (storage.type === 'sqlite') return { type: 'sqlite', dataDir: storage.dataDir };
  if (storage.url === undefined) throw new Error('storage.type postgres needs storage.url');
  return {
    type: 'postgres',
    url: storage.url,
    poolSize: storage.poolSize,
    statementTimeoutMs: storage.statementTimeoutMs,
    ...(storage.schema === undefined ? {} : { schema: storage.schema }),
  };
}

/** True when every provider is the built-in sandbox: the embedded default or a sandbox-only config. */
export function isSandboxOnly(config: Config): boolean {
  const providers = Object.values(config.providers);
  return providers.length > 0 && providers.every((provider) => provider.type === 'sandbox');
}

/**
 * Starts a complete gateway: storage, providers (and the in-process sandbox if configured), the
 * pipeline, and the HTTP server. `close()` stops accepting, drains in-flight requests and streams
 * (up to `server.shutdownGraceMs`), flushes usage, and releases everything.
 */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { config, log } = options;
  const storageOptions = storageOptionsOf(config);
  const storage = await openStorage(
    storageOptions.type === 'postgres'
      ? {
          ...storageOptions,
          onError: (error) =>
            log.warn({ err: error }, 'PostgreSQL connection lost; reconnecting on next query'),
        }
      : storageOptions,
  );
  await syncConfiguredKeys(config, storage.keys);
  let devKey: string | undefined;
  if (isSandboxOnly(config)) {
    devKey = options.devKey ?? generateKeySecret();
    await storage.keys.upsertByName({
      name: 'dev',
      hash: hashKey(devKey),
      prefix: keyPrefix(devKey),
      source: 'dev',
    });
  }

  const http = createHttpClient({
    connectTimeoutMs: config.routing.timeouts.connectMs,
    connections: config.server.upstreamConnectionsPerOrigin,
  });
  const { providers, sandbox } = await buildProviders(config, http, log);
  const usage = createBatchingUsageRecorder(storage.usage, { ...config.usage, log });
  const registry = new ModelRegistry(config, providers);
  const pricing = createPriceResolver({
    catalog: loadCatalog(),
    deployments: config.deployments,
    providers: config.providers,
  });
  const metrics = registry.routing.metrics;
  const limits = await openLimits(config, {
    log,
    pricing: createCatalogLimitPricing(pricing, createFlatPricing(config.limits.defaultPrice)),
    onRejection: (dimension) => metrics.limitRejections.inc({ dimension }),
  });
  const unpriced = pricing.unpricedDeployments();
  if (unpriced.length > 0) log.warn({ deployments: unpriced }, 'no price known: usage rows get a null cost');
  const shedder = new LoadShedder({
    maxEventLoopLagMs: config.server.maxEventLoopLagMs,
    maxInflightRequests: config.server.maxInflightRequests,
    targetEventLoopDelayMs: config.server.targetEventLoopDelayMs,
    onSample: (lagSeconds) => metrics.eventLoopLag.set(lagSeconds),
  });
  const keys = createKeyResolver(storage.keys, {
    teams: storage.teams,
    defaults: config.limits.defaultKey,
    refreshIntervalMs: config.storage.refreshIntervalMs,
    onUnavailable: config.storage.onUnavailable,
    isWriteHealthy: () => usage.isHealthy?.() ?? true,
    log,
    awsKeyPairs: storage.awsKeyPairs,
    // Only the CLI creates the master key; a gateway without one simply has no SigV4 pairs to open.
    openSecretBox: () => createSecretBox(loadMasterKey({ dataDir: config.storage.dataDir, create: false })),
  });
  if (!config.governance.enabled)
    log.warn('governance is off: no key auth, limits or usage rows (benchmarks only)');
  const gateway = new Gateway({
    shedder,
    pricing,
    limits: limits.options,
    log,
    keys,
    governance: config.governance.enabled,
    registry,
    usage,
    upstreamTimeoutMs: config.server.upstreamTimeoutMs,
  });
  const tls = config.server.tls;
  const masterKey = config.admin.masterKey ?? process.env['CONVERGE_ADMIN_KEY'];
  const app = createServer(gateway, {
    bodyLimitBytes: config.server.bodyLimitBytes,
    admin: {
      storage,
      authenticate: (secret) => keys.resolve(secret),
      masterKey: masterKey === '' ? undefined : masterKey,
      onChange: () => keys.invalidate(),
      // A cluster shares its AWS secrets through PostgreSQL, so every replica needs the same master key:
      // CONVERGE_MASTER_KEY. Only a single SQLite node may create its own key file.
      openSecretBox: () =>
        createSecretBox(
          loadMasterKey({ dataDir: config.storage.dataDir, create: config.storage.type === 'sqlite' }),
        ),
      log,
    },
    tls:
      tls === undefined
        ? undefined
        : { key: await readFile(tls.keyFile), cert: await readFile(tls.certFile) },
  });
  await app.listen({ port: config.server.port, host: config.server.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const serverClosed = app.close();
    try {
      await gateway.drain(config.server.shutdownGraceMs);
      // Keep-alive sockets that were busy when the close began are idle now; don't wait out their timeout.
      app.server.closeAllConnections();
      await serverClosed;
      await http.close();
      await sandbox?.close();
    } finally {
      shedder.close();
      keys.close();
      await limits.close();
      await storage.close();
    }
  }
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    gateway,
    devKey,
    sandbox,
    storage,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
