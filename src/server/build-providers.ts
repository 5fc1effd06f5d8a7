import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, ProviderConfig } from '../config/schema.js';
import type { HttpClient } from '../providers/http/http-client.js';
import { createProvider } from '../providers/index.js';
import type { Provider } from '../providers/provider.js';
import type { RunningSandbox } from '../sandbox/index.js';

export interface BuiltProviders {
  providers: Map<string, Provider>;
  /** The in-process sandbox, when any provider is of type `sandbox`. */
  sandbox: RunningSandbox | undefined;
}

type SandboxEmulation = Extract<ProviderConfig, { type: 'sandbox' }>['emulate'];

/** Fresh secrets per start: the in-process sandbox accepts only what this gateway was given. */
function createSandboxSecrets() {
  const secret = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    openai: `sk-sandbox-${secret(12)}`,
    azure: secret(16),
    bedrock: { accessKeyId: `CVGSBX${secret(7).toUpperCase()}`, secretAccessKey: secret(20) },
    gemini: `sandbox-gemini-${secret(12)}`,
    google: `sandbox-vertex-${secret(12)}`,
    anthropic: `sk-ant-sandbox-${secret(12)}`,
  };
}

type SandboxSecrets = ReturnType<typeof createSandboxSecrets>;

/** The real provider configuration that reaches the sandbox's emulation of one cloud. */
function sandboxUpstream(
  emulate: SandboxEmulation,
  sandbox: RunningSandbox,
  secrets: SandboxSecrets,
): ProviderConfig {
  switch (emulate) {
    case 'azure-openai':
      return { type: 'azure-openai', endpoint: sandbox.url, apiKey: secrets.azure, apiVersion: '2024-10-21' };
    case 'openai':
      return { type: 'openai', apiKey: secrets.openai, baseURL: `${sandbox.url}/v1` };
    case 'bedrock':
      return {
        type: 'bedrock',
        region: sandbox.options.bedrock.region,
        partition: 'aws',
        endpoint: sandbox.url,
        credentials: { type: 'keys', ...secrets.bedrock },
      };
    case 'gemini':
      return { type: 'gemini', apiKey: secrets.gemini, baseURL: sandbox.url };
    case 'vertex':
      return {
        type: 'vertex',
        project: 'converge-sandbox',
        location: 'europe-west4',
        endpoint: sandbox.url,
        credentials: { type: 'access-token', token: secrets.google },
      };
    case 'anthropic':
      return {
        type: 'anthropic',
        apiKey: secrets.anthropic,
        baseURL: sandbox.url,
        version: '2023-06-01',
        betas: [],
      };
  }
}

/**
 * Instantiates every configured provider account. Accounts of type `sandbox` are served by one
 * in-process sandbox on a loopback port, reached through the real provider code for that cloud —
 * so the embedded default exercises exactly the path a cloud deployment takes.
 */
export async function buildProviders(config: Config, http: HttpClient, log: Logger): Promise<BuiltProviders> {
  const providers = new Map<string, Provider>();
  const needsSandbox = Object.values(config.providers).some((provider) => provider.type === 'sandbox');
  const secrets = createSandboxSecrets();
  const sandbox = needsSandbox
    ? await (await import('../sandbox/index.js')).startSandbox({
        host: '127.0.0.1',
        port: 0,
        openai: { keys: [secrets.openai] },
        azure: { keys: [secrets.azure] },
        bedrock: { credentials: [secrets.bedrock] },
        gemini: { keys: [secrets.gemini], vertexTokens: [secrets.google] },
        anthropic: { keys: [secrets.anthropic], vertexTokens: [secrets.google] },
      })
    : undefined;

  for (const [name, providerConfig] of Object.entries(config.providers)) {
    let effective: ProviderConfig = providerConfig;
    if (providerConfig.type === 'sandbox') {
      if (sandbox === undefined) throw new Error('sandbox not started');
      effective = sandboxUpstream(providerConfig.emulate, sandbox, secrets);
    }
    providers.set(name, createProvider(name, effective, { http, log: log.child({ provider: name }) }));
  }
  return { providers, sandbox };
}
