import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { parseConfig } from '../../../src/config/load-config.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { createKeyResolver } from '../../../src/pipeline/auth/key-resolver.js';
import { openLimits } from '../../../src/pipeline/limits/open-limits.js';
import { ModelRegistry } from '../../../src/pipeline/route/model-registry.js';
import type { Provider } from '../../../src/providers/provider.js';
import { createServer } from '../../../src/server/create-server.js';
import { Gateway } from '../../../src/server/gateway.js';
import { syncConfiguredKeys } from '../../../src/server/start-gateway.js';
import { MemoryKeyStore } from '../../../src/storage/memory/memory-key-store.js';
import type { KeyStore } from '../../../src/storage/types.js';
import { CollectingUsageRecorder } from '../../../src/test-support/collecting-usage-recorder.js';
import { ObservedLimitStore } from './observed-limit-store.js';

export interface LimitedGatewayOptions {
  /** Keys, limits, models and deployments; `storage.dataDir` defaults to a fresh temporary directory. */
  config: ConfigInput;
  /** The provider instances the deployments name (config `providers` entries are placeholders). */
  providers: ReadonlyMap<string, Provider>;
  /** Where keys are looked up; default: memory, seeded with the config's keys. */
  keyStore?: KeyStore;
  clock?: () => number;
  log?: Logger;
  /** Routes added before listening (e.g. a test clock control). */
  registerRoutes?: (app: FastifyInstance) => void;
}

export interface LimitedGateway {
  url: string;
  gateway: Gateway;
  /** The limit store, observed; undefined when the config has no limits. */
  store: ObservedLimitStore | undefined;
  usage: CollectingUsageRecorder;
  close(): Promise<void>;
}

/**
 * A real gateway (auth, parse, route, limits, call, accounting, every dialect's routes) on a random
 * loopback port, built from a config the way `converge start` builds it, with the limits opened by
 * `openLimits` and the providers supplied by the test.
 */
export async function startLimitedGateway(options: LimitedGatewayOptions): Promise<LimitedGateway> {
  const dataDir = options.config.storage?.dataDir ?? (await mkdtemp(join(tmpdir(), 'converge-limits-')));
  const config = parseConfig({ ...options.config, storage: { ...options.config.storage, dataDir } }, 'test');
  const log = options.log ?? pino({ level: 'silent' });
  let keyStore = options.keyStore;
  if (keyStore === undefined) {
    keyStore = new MemoryKeyStore();
    await syncConfiguredKeys(config, keyStore);
  }
  const limits = await openLimits(config, {
    log,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const store = limits.options === undefined ? undefined : new ObservedLimitStore(limits.options.store);
  const usage = new CollectingUsageRecorder();
  const gateway = new Gateway({
    log,
    keys: createKeyResolver(keyStore, { defaults: config.limits.defaultKey }),
    registry: new ModelRegistry(config, options.providers),
    usage,
    upstreamTimeoutMs: 30_000,
    limits: limits.options === undefined || store === undefined ? undefined : { ...limits.options, store },
  });
  const app = createServer(gateway, { bodyLimitBytes: 1024 * 1024 });
  options.registerRoutes?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    store,
    usage,
    async close() {
      await gateway.drain(0);
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await limits.close();
      if (options.config.storage?.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
