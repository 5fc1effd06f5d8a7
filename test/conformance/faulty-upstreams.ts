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
export function startFaultySandbox(fault: UpstreamFault | 'none'): Promise<RunningSandbox> {
  return startSandbox({
    latency: 'zero',
    ...(fault === 'none' ? {} : { faults: { rate: { [fault]: 1 } } }),
    openai: { keys: [SECRETS.openai] },
    azure: { keys: [SECRETS.azure] },
    bedrock: { credentials: [SECRETS.bedrock] },
    gemini: { keys: [SECRETS.gemini], vertexTokens: [SECRETS.google] },
    anthropic: { keys: [SECRETS.anthropic], vertexTokens: [SECRETS.google] },
  });
}

/**
 * The provider account of one matrix column's type, pointed at a healthy sandbox (`startFaultySandbox('none')`)
 * with a credential that sandbox refuses (for Bedrock the right key id with a wrong secret, so the
 * signature fails), for the upstream-401/403 check.
 * @example badKeyProvider('anthropic', sandbox) // { type: 'anthropic', apiKey: 'sk-ant-sandbox-wrong', … }
 */
export function badKeyProvider(cellId: string, sandbox: RunningSandbox): ProviderConfig {
  const provider = faultyProvider(cellId, sandbox);
  switch (provider.type) {
    case 'bedrock':
      return {
        ...provider,
        credentials: {
          type: 'keys',
          accessKeyId: SECRETS.bedrock.accessKeyId,
          secretAccessKey: 'wrong-secret',
        },
      };
    case 'vertex':
      return { ...provider, credentials: { type: 'access-token', token: 'sandbox-vertex-wrong' } };
    case 'openai':
    case 'openai-compatible':
    case 'azure-openai':
    case 'gemini':
    case 'anthropic':
      return { ...provider, apiKey: `${provider.apiKey ?? ''}-wrong` };
    default:
      throw new Error(`no wrong credential for provider type ${provider.type}`);
  }
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
