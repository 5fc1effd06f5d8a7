import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, ProviderConfig } from '../config/schema.js';
import type { HttpClient } from '../providers/http/http-client.js';
import { createProvider } from '../providers/index.js';
import type { Provider } from '../providers/provider.js';
import { type RunningSandbox, startSandbox } from '../sandbox/index.js';

export interface BuiltProviders {
  providers: Map<string, Provider>;
  /** The in-process sandbox, when any provider is of type `sandbox`. */
  sandbox: RunningSandbox | undefined;
}

/**
 * Instantiates every configured provider account. Accounts of type `sandbox` are served by one
 * in-process sandbox on a loopback port, reached through the real `openai`/`azure-openai` provider
 * code — so the embedded default exercises exactly the path a cloud deployment takes.
 */
export async function buildProviders(config: Config, http: HttpClient, log: Logger): Promise<BuiltProviders> {
  const providers = new Map<string, Provider>();
  const needsSandbox = Object.values(config.providers).some((provider) => provider.type === 'sandbox');
  const sandboxKeys = {
    openai: `sk-sandbox-${randomBytes(12).toString('hex')}`,
    azure: randomBytes(16).toString('hex'),
  };
  const sandbox = needsSandbox
    ? await startSandbox({
        host: '127.0.0.1',
        port: 0,
        openai: { keys: [sandboxKeys.openai] },
        azure: { keys: [sandboxKeys.azure] },
      })
    : undefined;

  for (const [name, providerConfig] of Object.entries(config.providers)) {
    let effective: ProviderConfig = providerConfig;
    if (providerConfig.type === 'sandbox') {
      if (sandbox === undefined) throw new Error('sandbox not started');
      effective =
        providerConfig.emulate === 'azure-openai'
          ? {
              type: 'azure-openai',
              endpoint: sandbox.url,
              apiKey: sandboxKeys.azure,
              apiVersion: '2024-10-21',
            }
          : { type: 'openai', apiKey: sandboxKeys.openai, baseURL: `${sandbox.url}/v1` };
    }
    providers.set(name, createProvider(name, effective, { http, log: log.child({ provider: name }) }));
  }
  return { providers, sandbox };
}
