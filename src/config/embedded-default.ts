import type { ConfigInput } from './schema.js';

/** Chat and embedding models the built-in sandbox serves, each on an Azure-style and an OpenAI-style account. */
const SANDBOX_MODELS = {
  'gpt-4o': 'chat',
  'gpt-4o-mini': 'chat',
  'gpt-4.1': 'chat',
  'o3-mini': 'chat',
  'text-embedding-3-small': 'embedding',
  'text-embedding-3-large': 'embedding',
} as const;

/**
 * The configuration used when none is given: everything runs in one process with no cloud
 * credentials — SQLite under the data dir and the sandbox emulators as upstreams. Each model has an
 * Azure deployment (processing in the EU) first and an OpenAI one second, so failover is real.
 */
export function embeddedDefaultConfig(server: {
  host?: string;
  port?: number;
  dataDir?: string;
}): ConfigInput {
  const deployments: NonNullable<ConfigInput['deployments']> = {};
  const models: NonNullable<ConfigInput['models']> = {};
  for (const [model, kind] of Object.entries(SANDBOX_MODELS)) {
    deployments[`${model}@sandbox-azure`] = { provider: 'sandbox-azure', model, processing: 'eu' };
    deployments[`${model}@sandbox-openai`] = { provider: 'sandbox-openai', model, processing: 'us' };
    models[model] = { kind, deployments: [`${model}@sandbox-azure`, `${model}@sandbox-openai`] };
  }
  return {
    server: { host: server.host ?? '127.0.0.1', port: server.port ?? 4000 },
    storage: { type: 'sqlite', dataDir: server.dataDir ?? './.converge' },
    providers: {
      'sandbox-azure': { type: 'sandbox', emulate: 'azure-openai' },
      'sandbox-openai': { type: 'sandbox', emulate: 'openai' },
    },
    deployments,
    models,
  };
}
