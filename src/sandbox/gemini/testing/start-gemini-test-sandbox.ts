import type { AddressInfo } from 'node:net';
import { SandboxEngine } from '../../engine/sandbox-engine.js';
import { resolveSandboxOptions, type SandboxOptions } from '../../sandbox-options.js';
import { createSandboxServer, SandboxRouter } from '../../sandbox-server.js';
import { registerGeminiSandboxRoutes } from '../gemini-routes.js';
import type { GeminiSandboxOptionsInput } from '../gemini-sandbox-options.js';

export interface GeminiTestSandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  engine: SandboxEngine;
  close(): Promise<void>;
}

/**
 * Starts the Gemini/Vertex emulation alone on 127.0.0.1:0, built the way `startSandbox` builds the
 * full sandbox (engine, router, server), until start-sandbox registers it.
 *
 * @example
 * const sandbox = await startGeminiTestSandbox({ latency: 'zero' }, { keys: ['k'] });
 */
export async function startGeminiTestSandbox(
  options: SandboxOptions = {},
  gemini: GeminiSandboxOptionsInput = {},
): Promise<GeminiTestSandbox> {
  const engine = new SandboxEngine(resolveSandboxOptions({ latency: 'zero', ...options }));
  await engine.warmUp();
  const router = new SandboxRouter();
  registerGeminiSandboxRoutes(router, engine, gemini);
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
