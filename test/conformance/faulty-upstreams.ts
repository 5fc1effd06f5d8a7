import type { ConfigInput } from '../../src/config/schema.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

type ProviderConfig = NonNullable<ConfigInput['providers']>[string];

/** Upstream faults every cell is checked against; each has its own sandbox failing every request. */
export const UPSTREAM_FAULTS = ['429', '500'] as const;
export type UpstreamFault = (typeof UPSTREAM_FAULTS)[number];

/** Fixed, obviously fake secrets: these sandboxes live only for the test run, on loopback. */
const SECRETS = {
  openai: 'sk-sandbox-faulty',
  azure: 'sandbox-azure-faulty',
  bedrock: { accessKeyId: 'CVGSBXFAULTY0001', secretAccessKey: 'sandbox-bedrock-faulty-secret' },
  gemini: 'sandbox-gemini-faulty',
  google: 'sandbox-vertex-faulty',
  anthropic: 'sk-ant-sandbox-faulty',
};

/**
 * A zero-latency sandbox whose every emulator answers every request with `fault`, accepting only the
 * secrets above (the shapes `src/server/build-providers.ts` gives the in-process sandbox).
 * @example const sandbox = await startFaultySandbox('429');
 */
export function startFaultySandbox(fault: UpstreamFault): Promise<RunningSandbox> {
  return startSandbox({
    latency: 'zero',
    faults: { rate: { [fault]: 1 } },
    openai: { keys: [SECRETS.openai] },
    azure: { keys: [SECRETS.azure] },
    bedrock: { credentials: [SECRETS.bedrock] },
    gemini: { keys: [SECRETS.gemini], vertexTokens: [SECRETS.google] },
    anthropic: { keys: [SECRETS.anthropic], vertexTokens: [SECRETS.google] },
  });
}

/**
 * The provider account of one matrix column's type, pointed at a faulty sandbox.
 * @example faultyProvider('gemini', sandbox) // { type: 'gemini', apiKey, baseURL: sandbox.url }
 */
export function faultyProvider(cellId: string, sandbox: RunningSandbox): ProviderConfig {
  switch (cellId) {
    case 'openai':
      return { type: 'openai', apiKey: SECRETS.openai, baseURL: `${sandbox.url}/v1` };
    case 'azure-openai':
      return { type: 'azure-openai', endpoint: sandbox.url, apiKey: SECRETS.azure, apiVersion: '2024-10-21' };
    case 'openai-compatible':
      return { type: 'openai-compatible', baseURL: `${sandbox.url}/v1`, apiKey: SECRETS.openai };
    case 'bedrock':
      return {
        type: 'bedrock',
        region: sandbox.options.bedrock.region,
        partition: 'aws',
        endpoint: sandbox.url,
        credentials: { type: 'keys', ...SECRETS.bedrock },
      };
    case 'vertex':
      return {
        type: 'vertex',
        project: 'converge-sandbox',
        location: 'europe-west4',
        endpoint: sandbox.url,
        credentials: { type: 'access-token', token: SECRETS.google },
      };
    case 'gemini':
      return { type: 'gemini', apiKey: SECRETS.gemini, baseURL: sandbox.url };
    case 'anthropic':
      return { type: 'anthropic', apiKey: SECRETS.anthropic, baseURL: sandbox.url, version: '2023-06-01' };
    default:
      throw new Error(`no faulty upstream for provider column ${cellId}`);
  }
}
