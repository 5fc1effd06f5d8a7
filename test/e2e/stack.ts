import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.js';
import type { UsageRow } from '../../src/storage/types.js';

export const TEST_KEY = 'sk-cvg-e2e-test-key-0123456789abcdef';
export const LIMITED_KEY = 'sk-cvg-e2e-limited-key-0123456789ab';
const SANDBOX_OPENAI_KEY = 'sk-sandbox-e2e';
const SANDBOX_AZURE_KEY = 'azure-e2e-key';

export interface Stack {
  gateway: RunningGateway;
  sandboxUrl: string;
  sandbox: RunningSandbox;
  dataDir: string;
  /** Waits until a usage row matching `predicate` is stored (rows are written in batches). */
  waitForRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow>;
  close(): Promise<void>;
}

export interface StackOptions {
  sandbox?: SandboxOptions;
  /** Extra config merged over the default test config. */
  config?: Partial<ConfigInput>;
  bodyLimitBytes?: number;
}

/**
 * A gateway wired to a separately started sandbox over real HTTP: Azure OpenAI deployments first,
 * OpenAI second, exactly like a cloud setup but on loopback.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sandbox = await startSandbox({
    latency: 'zero',
    ...options.sandbox,
    openai: { keys: [SANDBOX_OPENAI_KEY], ...options.sandbox?.openai },
    azure: { keys: [SANDBOX_AZURE_KEY], ...options.sandbox?.azure },
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'converge-e2e-'));
  const models = ['gpt-4o', 'gpt-4o-mini', 'o3-mini'];
  const deployments: NonNullable<ConfigInput['deployments']> = {};
  const modelConfig: NonNullable<ConfigInput['models']> = {};
  for (const model of [...models, 'text-embedding-3-small']) {
    deployments[`${model}-azure`] = { provider: 'azure', model, processing: 'eu' };
    deployments[`${model}-openai`] = { provider: 'openai', model, processing: 'us' };
    modelConfig[model] = {
      kind: model.startsWith('text-embedding') ? 'embedding' : 'chat',
      deployments: [`${model}-azure`, `${model}-openai`],
    };
  }
  const providers: NonNullable<ConfigInput['providers']> = {
    azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY },
    openai: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_OPENAI_KEY },
  };
  const input: ConfigInput = {
    server: { port: 0, bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024, shutdownGraceMs: 5_000 },
    storage: { dataDir },
    logging: { level: 'silent' },
    usage: { flushIntervalMs: 20, maxBatchSize: 100 },
    providers,
    deployments,
    models: modelConfig,
    keys: [
      { name: 'e2e', key: TEST_KEY },
      { name: 'limited', key: LIMITED_KEY, models: ['gpt-4o-mini'] },
    ],
    ...options.config,
  };
  const config = parseConfig(
    {
      ...input,
      deployments: { ...deployments, ...options.config?.deployments },
      models: { ...modelConfig, ...options.config?.models },
      providers: { ...providers, ...options.config?.providers },
    },
    'e2e',
  );
  const gateway = await startGateway({ config, log: pino({ level: 'silent' }) });

  async function waitForRow(predicate: (row: UsageRow) => boolean): Promise<UsageRow> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const rows = await gateway.storage.usage.query({ limit: 10_000 });
      const found = rows.find(predicate);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no matching usage row was written');
  }

  return {
    gateway,
    sandboxUrl: sandbox.url,
    sandbox,
    dataDir,
    waitForRow,
    async close() {
      await gateway.close();
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
