import type { AddressInfo } from 'node:net';
import { registerAnthropicSandboxRoutes } from './anthropic/anthropic-routes.js';
import { registerAzureOpenAIRoutes } from './azure-openai/azure-routes.js';
import { registerBedrockRoutes } from './bedrock/bedrock-routes.js';
import { SandboxEngine } from './engine/sandbox-engine.js';
import { registerGeminiSandboxRoutes } from './gemini/gemini-routes.js';
import { registerOpenAIRoutes } from './openai/openai-routes.js';
import {
  type ResolvedSandboxOptions,
  resolveSandboxOptions,
  type SandboxOptions,
} from './sandbox-options.js';
import { createSandboxServer, SandboxRouter } from './sandbox-server.js';
import type { SandboxStatsSnapshot } from './sandbox-stats.js';

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  options: ResolvedSandboxOptions;
  /** What was served so far, per provider and model/deployment. */
  stats(): SandboxStatsSnapshot;
  resetStats(): void;
  /** Stops listening and closes every socket, including held `timeout` faults and open streams. */
  close(): Promise<void>;
}

/**
 * Starts the provider emulators on one port that speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge).
 * @example
 * const sandbox = await startSandbox({ latency: 'zero' });
 * const client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox' });
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const resolved = resolveSandboxOptions(options);
  const engine = new SandboxEngine(resolved);
  await engine.warmUp();
  const router = new SandboxRouter();
  // Anthropic first: Gemini's Vertex publisher pattern would otherwise catch Claude's rawPredict paths.
  registerAnthropicSandboxRoutes(router, engine, resolved.anthropic);
  registerOpenAIRoutes(router, engine);
  registerAzureOpenAIRoutes(router, engine);
  registerBedrockRoutes(router, engine);
  registerGeminiSandboxRoutes(router, engine, resolved.gemini);
  const server = createSandboxServer(router);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    port,
    options: resolved,
    stats: () => engine.stats.snapshot(),
    resetStats: () => engine.stats.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
