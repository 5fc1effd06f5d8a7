import type { AddressInfo } from 'node:net';
import { SandboxEngine } from '../engine/sandbox-engine.js';
import { resolveSandboxOptions, type SandboxOptions } from '../sandbox-options.js';
import { createSandboxServer, SandboxRouter } from '../sandbox-server.js';
import { registerAnthropicSandboxRoutes } from './anthropic-routes.js';
import type { AnthropicSandboxOptionsInput } from './anthropic-sandbox-options.js';

export interface AnthropicSandbox {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  engine: SandboxEngine;
  close(): Promise<void>;
}

/**
 * Starts only the Anthropic emulator on its own loopback server, the way `startSandbox` assembles the
 * full one (engine, router, server). For tests, and for embedding the emulator alone.
 * @example
 * const sandbox = await startAnthropicSandbox({ sandbox: { latency: 'zero' } });
 * const client = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-sandbox' });
 */
export async function startAnthropicSandbox(
  options: { sandbox?: SandboxOptions; anthropic?: AnthropicSandboxOptionsInput } = {},
): Promise<AnthropicSandbox> {
  const engine = new SandboxEngine(resolveSandboxOptions({ latency: 'zero', ...options.sandbox }));
  await engine.warmUp();
  const router = new SandboxRouter();
  registerAnthropicSandboxRoutes(router, engine, options.anthropic ?? {});
  const server = createSandboxServer(router);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
