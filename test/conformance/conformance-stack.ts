import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { embeddedDefaultConfig } from '../../src/config/embedded-default.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.js';
import {
  badKeyProvider,
  faultyProvider,
  startFaultySandbox,
  UPSTREAM_FAULTS,
  type UpstreamFault,
} from './faulty-upstreams.js';

export const CONFORMANCE_KEY = 'sk-cvg-conformance-key-0123456789abcdef';
const COMPATIBLE_SANDBOX_KEY = 'sk-sandbox-conformance';
/** Nothing listens on the discard port: every request to it is refused at connect. */
const UNREACHABLE = 'http://127.0.0.1:9';

type Providers = NonNullable<ConfigInput['providers']>;

/** One column of the matrix: a provider account and the upstream model its cell pins. */
export interface ProviderCell {
  /** Column label, also the suffix of the public models `cell-<id>` and `cell-<id>-down`. */
  id: string;
  /** Provider account serving `cell-<id>`. */
  account: string;
  upstreamModel: string;
  /** The same provider type pointed at a port where nothing listens, serving `cell-<id>-down`. */
  unreachable: Providers[string];
}

export const PROVIDER_CELLS: readonly ProviderCell[] = [
  {
    id: 'openai',
    account: 'sandbox-openai',
    upstreamModel: 'gpt-4o-mini',
    unreachable: { type: 'openai', apiKey: 'sk-down', baseURL: `${UNREACHABLE}/v1` },
  },
  {
    id: 'azure-openai',
    account: 'sandbox-azure',
    upstreamModel: 'gpt-4o-mini',
    unreachable: { type: 'azure-openai', endpoint: UNREACHABLE, apiKey: 'down' },
  },
  {
    id: 'openai-compatible',
    account: 'compatible',
    upstreamModel: 'gpt-4o-mini',
    unreachable: { type: 'openai-compatible', baseURL: `${UNREACHABLE}/v1`, apiKey: 'down' },
  },
  {
    id: 'bedrock',
    account: 'sandbox-bedrock',
    upstreamModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    unreachable: {
      type: 'bedrock',
      region: 'us-east-1',
      credentials: { type: 'bearer', token: 'down' },
      endpoint: UNREACHABLE,
    },
  },
  {
    id: 'vertex',
    account: 'sandbox-vertex',
    upstreamModel: 'gemini-2.0-flash',
    unreachable: {
      type: 'vertex',
      project: 'down',
      location: 'europe-west4',
      credentials: { type: 'access-token', token: 'down' },
      endpoint: UNREACHABLE,
    },
  },
  {
    id: 'gemini',
    account: 'sandbox-gemini',
    upstreamModel: 'gemini-2.0-flash',
    unreachable: { type: 'gemini', apiKey: 'down', baseURL: UNREACHABLE },
  },
  {
    id: 'anthropic',
    account: 'sandbox-anthropic',
    upstreamModel: 'claude-3-5-sonnet-20241022',
    unreachable: { type: 'anthropic', apiKey: 'down', baseURL: UNREACHABLE },
  },
];

export interface ConformanceStack {
  gateway: RunningGateway;
  close(): Promise<void>;
}

/**
 * The embedded default plus `cell-<id>` / `cell-<id>-down` models pinning one provider account each, and
 * `cell-<id>-429` / `cell-<id>-500` pinning the same provider type at a sandbox failing every request, and
 * `cell-<id>-badkey` pinning it at a healthy sandbox with a credential that sandbox refuses.
 */
function cellConfig(
  dataDir: string,
  compatibleSandbox: RunningSandbox,
  faulty: ReadonlyMap<UpstreamFault, RunningSandbox>,
  healthy: RunningSandbox,
): ConfigInput {
  const base = embeddedDefaultConfig({ port: 0, dataDir });
  const providers: Providers = {
    ...base.providers,
    compatible: {
      type: 'openai-compatible',
      baseURL: `${compatibleSandbox.url}/v1`,
      apiKey: COMPATIBLE_SANDBOX_KEY,
    },
  };
  const deployments = { ...base.deployments };
  const models = { ...base.models };
  for (const cell of PROVIDER_CELLS) {
    providers[`${cell.id}-down`] = cell.unreachable;
    deployments[`cell-${cell.id}@up`] = { provider: cell.account, model: cell.upstreamModel };
    deployments[`cell-${cell.id}@down`] = { provider: `${cell.id}-down`, model: cell.upstreamModel };
    models[`cell-${cell.id}`] = { kind: 'chat', deployments: [`cell-${cell.id}@up`] };
    models[`cell-${cell.id}-down`] = { kind: 'chat', deployments: [`cell-${cell.id}@down`] };
    providers[`${cell.id}-badkey`] = badKeyProvider(cell.id, healthy);
    deployments[`cell-${cell.id}@badkey`] = { provider: `${cell.id}-badkey`, model: cell.upstreamModel };
    models[`cell-${cell.id}-badkey`] = { kind: 'chat', deployments: [`cell-${cell.id}@badkey`] };
    for (const [fault, sandbox] of faulty) {
      providers[`${cell.id}-${fault}`] = faultyProvider(cell.id, sandbox);
      deployments[`cell-${cell.id}@${fault}`] = {
        provider: `${cell.id}-${fault}`,
        model: cell.upstreamModel,
      };
      models[`cell-${cell.id}-${fault}`] = { kind: 'chat', deployments: [`cell-${cell.id}@${fault}`] };
    }
  }
  return {
    ...base,
    logging: { level: 'silent' },
    keys: [{ name: 'conformance', key: CONFORMANCE_KEY }],
    providers,
    deployments,
    models,
  };
}

/**
 * The embedded-default gateway (in-process sandbox of every cloud) plus a separate zero-latency
 * sandbox behind an `openai-compatible` account, and one zero-latency sandbox per upstream fault, all on
 * loopback.
 */
export async function startConformanceStack(): Promise<ConformanceStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'converge-conformance-'));
  const compatibleSandbox = await startSandbox({
    latency: 'zero',
    openai: { keys: [COMPATIBLE_SANDBOX_KEY] },
  });
  const faulty = new Map<UpstreamFault, RunningSandbox>();
  for (const fault of UPSTREAM_FAULTS) faulty.set(fault, await startFaultySandbox(fault));
  const healthy = await startFaultySandbox('none');
  const config = parseConfig(cellConfig(dataDir, compatibleSandbox, faulty, healthy), 'conformance');
  const gateway = await startGateway({ config, log: pino({ level: 'silent' }) });
  // The gateway starts its sandbox with realistic pacing; its handlers read this resolved object per
  // request, so switching it keeps the 35-cell run fast without changing what is generated.
  if (gateway.sandbox !== undefined) gateway.sandbox.options.latency = 'zero';
  return {
    gateway,
    async close() {
      await gateway.close();
      await compatibleSandbox.close();
      for (const sandbox of faulty.values()) await sandbox.close();
      await healthy.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
