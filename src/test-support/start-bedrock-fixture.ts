import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FastifyInstance } from 'fastify';
import { registerBedrockRoutes } from '../dialects/bedrock/routes.js';
import type { Gateway } from '../server/gateway.js';
import { ScriptedProvider } from './scripted-provider.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

export const BEDROCK_KEY = 'sk-cvg-test-bedrock-key-0123456789abc';
export const LIMITED_BEDROCK_KEY = 'sk-cvg-test-bedrock-limited-01234567';
export const ACCESS_KEY_ID = 'CVGTEST0ACCESS0KEY01';
export const SECRET_ACCESS_KEY = 'Zm9vYmFyYmF6cXV4LXNlY3JldC1hY2Nlc3Mta2V5';
export const LIMITED_ACCESS_KEY_ID = 'CVGTEST0ACCESS0KEY02';
export const LIMITED_SECRET_ACCESS_KEY = 'bGltaXRlZC1zZWNyZXQtYWNjZXNzLWtleS0wMTIz';
export const CLAUDE_ID = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

export interface BedrockFixture extends TestGateway {
  /** Serves `claude-sonnet`, as a Bedrock account would. */
  provider: ScriptedProvider;
  /** Serves `gpt-4o`, an OpenAI-type target (to see Bedrock-only options warned about). */
  openai: ScriptedProvider;
}

/** Mounts the Bedrock dialect unless `createServer` already does (checked once its plugins loaded). */
function mountBedrockDialect(app: FastifyInstance, gateway: Gateway): void {
  app.register(async (root) => {
    if (root.hasRoute({ method: 'POST', url: '/model/*' })) return;
    root.register(async (scope) => registerBedrockRoutes(scope, gateway), { prefix: '/model' });
  });
}

/**
 * The setup for Bedrock dialect tests: `claude-sonnet` (aliases `sonnet` and the Bedrock id
 * `anthropic.claude-3-5-sonnet-20241022-v2:0`) on a scripted Bedrock-type provider, `gpt-4o` on a
 * scripted OpenAI-type one, a virtual key for everything with an AWS key pair, a key limited to
 * `gpt-4o` with its own pair, and a 64 KiB body limit.
 *
 * @example
 * const fixture = await startBedrockFixture();
 * const client = bedrockClient(fixture.url);
 */
export async function startBedrockFixture(): Promise<BedrockFixture> {
  const provider = new ScriptedProvider('bedrock-eu', 'bedrock');
  const openai = new ScriptedProvider('openai', 'openai');
  const gateway = await startTestGateway({
    providers: [provider, openai],
    deployments: {
      'claude@bedrock-eu': { provider: 'bedrock-eu', model: `eu.${CLAUDE_ID}`, processing: 'eu' },
      'gpt-4o@openai': { provider: 'openai', model: 'gpt-4o-2024-08-06', processing: 'us' },
    },
    models: {
      'claude-sonnet': { aliases: ['sonnet', CLAUDE_ID], deployments: ['claude@bedrock-eu'] },
      'gpt-4o': { deployments: ['gpt-4o@openai'] },
    },
    keys: [
      { name: 'full', secret: BEDROCK_KEY },
      { name: 'limited', secret: LIMITED_BEDROCK_KEY, models: ['gpt-4o'] },
    ],
    awsKeyPairs: [
      { keyName: 'full', accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      { keyName: 'limited', accessKeyId: LIMITED_ACCESS_KEY_ID, secretAccessKey: LIMITED_SECRET_ACCESS_KEY },
    ],
    bodyLimitBytes: 64 * 1024,
    registerRoutes: mountBedrockDialect,
  });
  return { ...gateway, provider, openai };
}

export type BedrockClientOptions = ConstructorParameters<typeof BedrockRuntimeClient>[0];

/**
 * The official Bedrock Runtime client pointed at the test gateway, signing with the fixture's AWS
 * key pair over HTTP/1.1, without retries (override any of it).
 */
export function bedrockClient(url: string, options: BedrockClientOptions = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'eu-central-1',
    endpoint: url,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
    ...options,
  });
}

/** Records the raw HTTP response headers of each successful call the client makes. */
export function captureResponseHeaders(client: BedrockRuntimeClient): { headers: Record<string, string> } {
  const seen = { headers: {} as Record<string, string> };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      seen.headers = (result.response as { headers: Record<string, string> }).headers;
      return result;
    },
    { step: 'deserialize', name: 'captureResponseHeaders' },
  );
  return seen;
}
