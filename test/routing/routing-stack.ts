import type { AddressInfo } from 'node:net';
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { createKeyResolver } from '../../src/pipeline/auth/key-resolver.js';
import { ModelRegistry } from '../../src/pipeline/route/model-registry.js';
import { createHttpClient } from '../../src/providers/http/http-client.js';
import { createProvider } from '../../src/providers/index.js';
import type { Provider } from '../../src/providers/provider.js';
import type { RoutingStateOptions } from '../../src/routing/routing-state.js';
import { createServer } from '../../src/server/create-server.js';
import { Gateway } from '../../src/server/gateway.js';
import { syncConfiguredKeys } from '../../src/server/start-gateway.js';
import { MemoryKeyStore } from '../../src/storage/memory/memory-key-store.js';
import type { UsageRow } from '../../src/storage/types.js';
import { CollectingUsageRecorder } from '../../src/test-support/collecting-usage-recorder.js';

export const SANDBOX_OPENAI_KEY = 'sk-sandbox-routing';
export const SANDBOX_AZURE_KEY = 'azure-routing-key';

export interface RoutingGateway {
  url: string;
  gateway: Gateway;
  registry: ModelRegistry;
  /** This gateway's own metrics (a fresh registry, so counts start at zero). */
  metrics: GatewayMetrics;
  rows: UsageRow[];
  /** Resolves once `count` usage rows were recorded (rows are recorded when responses close). */
  waitForRows(count: number): Promise<UsageRow[]>;
  waitForRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow>;
  close(): Promise<void>;
}

export interface RoutingGatewayOptions {
  /** Providers, deployments, models, keys and routing settings, validated like a config file. */
  config: Partial<ConfigInput>;
  /** Swappable routing parts: a clock for the breakers, a random source … */
  routing?: RoutingStateOptions;
  bodyLimitBytes?: number;
}

/**
 * A gateway assembled like `startGateway` — real providers over HTTP, the config's keys, the real
 * pipeline and server — but with in-memory keys and usage and injectable routing parts (a clock
 * to drive circuit breakers, fresh metrics). Upstreams are sandboxes the test starts itself.
 */
export async function startRoutingGateway(options: RoutingGatewayOptions): Promise<RoutingGateway> {
  const config = parseConfig({ logging: { level: 'silent' }, ...options.config }, 'routing-test');
  const log = pino({ level: 'silent' });
  const http = createHttpClient({ connectTimeoutMs: config.routing.timeouts.connectMs });
  const providers = new Map<string, Provider>();
  for (const [name, providerConfig] of Object.entries(config.providers)) {
    providers.set(name, createProvider(name, providerConfig, { http, log }));
  }
  const store = new MemoryKeyStore();
  await syncConfiguredKeys(config, store);
  const metrics = createMetrics();
  const registry = new ModelRegistry(config, providers, { metrics, ...options.routing });
  const usage = new CollectingUsageRecorder();
  const gateway = new Gateway({
    log,
    keys: createKeyResolver(store),
    registry,
    usage,
    upstreamTimeoutMs: config.server.upstreamTimeoutMs,
  });
  const app = createServer(gateway, { bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    registry,
    metrics,
    rows: usage.rows,
    waitForRows: async (count) => {
      await usage.waitForRow(() => usage.rows.length >= count, 60_000);
      return usage.rows;
    },
    waitForRow: (predicate) => usage.waitForRow(predicate),
    async close() {
      await gateway.drain(0);
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await http.close();
    },
  };
}

/** The value of a counter or gauge series with exactly these labels (0 when absent). */
export async function metricValue(
  metrics: GatewayMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const matches = values.filter((value) =>
    Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return matches.reduce((sum, value) => sum + value.value, 0);
}

/**
 * A TCP hop in front of an upstream that can be switched off: while `up` is false every connection
 * is dropped at once (an upstream that fails hard), while true bytes flow both ways.
 */
export async function startSwitchableProxy(targetPort: number): Promise<{
  url: string;
  up: boolean;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const state = { up: false };
  const server: Server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (!state.up) {
      socket.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    socket.pipe(upstream).pipe(socket);
    socket.once('error', () => upstream.destroy());
    upstream.once('error', () => socket.destroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get up() {
      return state.up;
    },
    set up(value: boolean) {
      state.up = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
