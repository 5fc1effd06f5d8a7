import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RunningSandbox } from '../start-sandbox.js';

/**
 * Test support for the Bedrock emulator (imported by tests only). The AWS SDK's default Node handler
 * for an `http://` endpoint is NodeHttp2Handler (prior-knowledge HTTP/2); `http1` swaps in
 * NodeHttpHandler, so every suite can run over both transports.
 */
export type Transport = 'http2' | 'http1';
export const TRANSPORTS: readonly Transport[] = ['http2', 'http1'];

export interface BedrockTestClient {
  client: BedrockRuntimeClient;
  /** The protocol of every response received, in order: 'h2' or 'http/1.1'. */
  protocols: string[];
}

/**
 * The official client pointed straight at the sandbox with its first configured key pair, no retries.
 * @example const { client } = createBedrockTestClient(sandbox, 'http2');
 */
export function createBedrockTestClient(
  sandbox: RunningSandbox,
  transport: Transport,
  config: Partial<BedrockRuntimeClientConfig> = {},
): BedrockTestClient {
  const [pair] = sandbox.options.bedrock.credentials;
  if (pair === undefined) throw new Error('the sandbox has no Bedrock credentials');
  const client = new BedrockRuntimeClient({
    endpoint: sandbox.url,
    region: sandbox.options.bedrock.region,
    credentials: { accessKeyId: pair.accessKeyId, secretAccessKey: pair.secretAccessKey },
    maxAttempts: 1,
    ...(transport === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
    ...config,
  });
  const protocols: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, unknown> }).headers ?? {};
      // NodeHttp2Handler passes the response's pseudo-headers through; HTTP/1.1 has none.
      protocols.push(':status' in headers ? 'h2' : 'http/1.1');
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'recordProtocol' },
  );
  return { client, protocols };
}

/** Adds request headers (e.g. `x-sandbox-fault`) to one command. */
export function withHeaders<Command extends { middlewareStack: { add: (...args: never[]) => void } }>(
  command: Command,
  headers: Record<string, string>,
): Command {
  // Every command's stack takes build-step middleware; its input/output generics do not matter here.
  const stack = command.middlewareStack as unknown as BedrockRuntimeClient['middlewareStack'];
  stack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      Object.assign(request.headers, headers);
      return next(args);
    },
    { step: 'build', name: 'addSandboxHeaders' },
  );
  return command;
}
