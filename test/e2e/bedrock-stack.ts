import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { embeddedDefaultConfig } from '../../src/config/embedded-default.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { hashKey } from '../../src/pipeline/auth/key-resolver.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { generateAwsKeyPair } from '../../src/security/generate-aws-key-pair.js';
import { generateKeySecret, keyPrefix } from '../../src/security/generate-key-secret.js';
import { loadMasterKey } from '../../src/security/master-key.js';
import { createSecretBox } from '../../src/security/secret-box.js';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { UsageRow } from '../../src/storage/types.js';

const SANDBOX_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SANDBOX_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** Bytes of the upstream event stream let through before the proxy cuts the connection. */
const CUT_AFTER_BYTES = 1_500;

export interface BedrockStack {
  gateway: RunningGateway;
  /** The issued virtual key (also usable as a Bedrock API key). */
  virtualKey: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** HTTP/1.1 requests the gateway's listener has received so far (HTTP/2 streams are not counted). */
  http1Requests(): number;
  waitForRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow>;
  close(): Promise<void>;
}

/** A virtual key plus an AWS pair bound to it, written to the store before the gateway opens it. */
async function issueKeys(dataDir: string) {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  try {
    const virtualKey = generateKeySecret();
    const record = await storage.keys.insert({
      name: 'bedrock-e2e',
      hash: hashKey(virtualKey),
      prefix: keyPrefix(virtualKey),
      models: null,
      source: 'issued',
    });
    const box = createSecretBox(loadMasterKey({ dataDir, create: true }));
    const pair = generateAwsKeyPair();
    await storage.awsKeyPairs.insert({
      accessKeyId: pair.accessKeyId,
      keyId: record.id,
      sealedSecret: box.seal(pair.secretAccessKey, pair.accessKeyId),
    });
    return { virtualKey, ...pair };
  } finally {
    await storage.close();
  }
}

/**
 * Forwards to `target` unchanged (the Host header too, so SigV4 still verifies) but destroys the
 * connection after a few event-stream bytes of every `converse-stream` response: an upstream cut mid-stream.
 */
async function startCuttingProxy(target: string): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((request, response) => {
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (reply: IncomingMessage) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        if (!(request.url ?? '').includes('converse-stream')) return void reply.pipe(response);
        let sent = 0;
        reply.on('data', (chunk: Buffer) => {
          const room = CUT_AFTER_BYTES - sent;
          if (room <= 0) return;
          response.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= CUT_AFTER_BYTES) {
            reply.destroy();
            // Let the written bytes leave before the reset.
            setImmediate(() => response.socket?.destroy());
          }
        });
      },
    );
    forward.on('error', () => response.socket?.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function extendConfig(base: ConfigInput, cutUrl: string): ConfigInput {
  return {
    ...base,
    logging: { level: 'silent' },
    usage: { flushIntervalMs: 20, maxBatchSize: 100 },
    providers: {
      ...base.providers,
      'cut-bedrock': {
        type: 'bedrock',
        region: 'us-east-1',
        credentials: {
          type: 'keys',
          accessKeyId: SANDBOX_ACCESS_KEY_ID,
          secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
        },
        endpoint: cutUrl,
      },
    },
    deployments: {
      ...base.deployments,
      'claude-cut@cut-bedrock': {
        provider: 'cut-bedrock',
        model: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      },
      // Claude 3.5 Sonnet v2 has no prompt caching on Bedrock; 3.7 Sonnet does (minimum 1,024 tokens).
      'claude-3-7-sonnet@sandbox-bedrock': {
        provider: 'sandbox-bedrock',
        model: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
      },
    },
    models: {
      ...base.models,
      'claude-cut': { kind: 'chat', deployments: ['claude-cut@cut-bedrock'] },
      'claude-3-7-sonnet': { kind: 'chat', deployments: ['claude-3-7-sonnet@sandbox-bedrock'] },
    },
  };
}

/**
 * The embedded-default gateway (in-process sandboxes, zero latency) with a gateway-issued key and AWS
 * pair, plus `claude-cut`: a Bedrock account behind a proxy that cuts every stream.
 */
export async function startBedrockStack(): Promise<BedrockStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'converge-bedrock-e2e-'));
  const keys = await issueKeys(dataDir);
  const cutSandbox: RunningSandbox = await startSandbox({ latency: 'zero' });
  const proxy = await startCuttingProxy(cutSandbox.url);
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const config = parseConfig(
    extendConfig(embeddedDefaultConfig({ port: 0, dataDir }), proxyUrl),
    'bedrock-e2e',
  );
  const gateway = await startGateway({ config, log: pino({ level: 'silent' }) });
  if (gateway.sandbox !== undefined) gateway.sandbox.options.latency = 'zero';
  const gatewayPort = Number(new URL(gateway.url).port);
  let http1 = 0;
  const onRequest = (message: unknown) => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket?.localPort === gatewayPort) http1++;
  };
  subscribe('http.server.request.start', onRequest);

  async function waitForRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const found = (await gateway.storage.usage.query({ limit: 10_000 })).find(predicate);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no matching usage row was written');
  }

  return {
    gateway,
    virtualKey: keys.virtualKey,
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    http1Requests: () => http1,
    waitForRow,
    async close() {
      unsubscribe('http.server.request.start', onRequest);
      await gateway.close();
      await new Promise((resolve) => proxy.close(resolve));
      await cutSandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
