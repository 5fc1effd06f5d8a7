import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { z } from 'zod';
import { deploymentConfigSchema, modelConfigSchema } from '../config/schema.js';
import { createKeyResolver, hashKey } from '../pipeline/auth/key-resolver.js';
import { ModelRegistry } from '../pipeline/route/model-registry.js';
import type { Provider } from '../providers/provider.js';
import { createSecretBox } from '../security/secret-box.js';
import { createServer } from '../server/create-server.js';
import { Gateway } from '../server/gateway.js';
import { MemoryAwsKeyPairStore } from '../storage/memory/memory-aws-key-pair-store.js';
import { MemoryKeyStore } from '../storage/memory/memory-key-store.js';
import type { UsageRow } from '../storage/types.js';
import { CollectingUsageRecorder } from './collecting-usage-recorder.js';

export interface TestKey {
  name: string;
  secret: string;
  /** Models the key may use; omit for all. */
  models?: string[];
}

/** A gateway-issued AWS key pair acting as the test key named `keyName`. */
export interface TestAwsKeyPair {
  keyName: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface TestGatewayOptions {
  providers: Provider[];
  deployments: Record<string, z.input<typeof deploymentConfigSchema>>;
  models: Record<string, z.input<typeof modelConfigSchema>>;
  keys: TestKey[];
  /** AWS key pairs (for SigV4-signed Bedrock calls), sealed with a random master key. */
  awsKeyPairs?: TestAwsKeyPair[];
  bodyLimitBytes?: number;
  upstreamTimeoutMs?: number;
  /** Registers extra routes on the server before it listens (a dialect not yet wired into createServer). */
  registerRoutes?: (app: FastifyInstance, gateway: Gateway) => void;
}

export interface TestGateway {
  url: string;
  gateway: Gateway;
  usageRows: UsageRow[];
  /** Resolves with the first usage row matching `predicate`, waiting for it if needed. */
  waitForUsageRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow>;
  close(): Promise<void>;
}

function parseEach<T>(entries: Record<string, unknown>, schema: z.ZodType<T>): Record<string, T> {
  return Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, schema.parse(value)]));
}

/**
 * A real gateway (pipeline, registry, key resolver over an in-memory key store, server) listening on
 * a random loopback port, with usage rows collected in memory. Providers are whatever the test
 * passes, typically a ScriptedProvider.
 *
 * @example
 * const provider = new ScriptedProvider('scripted', 'openai');
 * const test = await startTestGateway({
 *   providers: [provider],
 *   deployments: { 'gpt-4o@scripted': { provider: 'scripted', model: 'gpt-4o' } },
 *   models: { 'gpt-4o': { deployments: ['gpt-4o@scripted'] } },
 *   keys: [{ name: 'test', secret: 'sk-cvg-test-0000000000000000' }],
 * });
 */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const store = new MemoryKeyStore();
  for (const key of options.keys) {
    await store.insert({
      name: key.name,
      hash: hashKey(key.secret),
      prefix: key.secret.slice(0, 11),
      models: key.models ?? null,
      source: 'config',
    });
  }
  const awsKeyPairs = new MemoryAwsKeyPairStore(store);
  const secretBox = createSecretBox(randomBytes(32));
  for (const pair of options.awsKeyPairs ?? []) {
    const key = await store.findByName(pair.keyName);
    if (key === undefined) throw new Error(`awsKeyPairs: no test key named ${pair.keyName}`);
    const sealedSecret = secretBox.seal(pair.secretAccessKey, pair.accessKeyId);
    await awsKeyPairs.insert({ accessKeyId: pair.accessKeyId, keyId: key.id, sealedSecret });
  }
  const providers = new Map(options.providers.map((provider) => [provider.name, provider]));
  const registry = new ModelRegistry(
    {
      models: parseEach(options.models, modelConfigSchema),
      deployments: parseEach(options.deployments, deploymentConfigSchema),
    },
    providers,
  );
  const usage = new CollectingUsageRecorder();
  const gateway = new Gateway({
    log: pino({ level: 'silent' }),
    keys: createKeyResolver(store, { awsKeyPairs, openSecretBox: () => secretBox }),
    registry,
    usage,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000,
  });
  const app = createServer(gateway, { bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024 });
  options.registerRoutes?.(app, gateway);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    usageRows: usage.rows,
    waitForUsageRow: (predicate) => usage.waitForRow(predicate),
    async close() {
      await gateway.drain(0);
      const closing = app.close();
      // An HTTP client may open a spare connection it never uses (undici does after an aborted
      // stream); Node does not count it as idle, so it would hold close() until headersTimeout.
      app.server.closeAllConnections();
      await closing;
    },
  };
}
