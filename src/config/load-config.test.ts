import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from './embedded-default.js';
import { ConfigError, loadConfigFile, parseConfig } from './load-config.js';

async function writeConfig(text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'converge-config-'));
  const path = join(directory, 'converge.yaml');
  await writeFile(path, text);
  return path;
}

const VALID = `
server: { port: 8080 }
providers:
  azure-eu:
    type: azure-openai
    endpoint: https://example-eu.openai.azure.com
    apiKey: \${AZURE_KEY}
  local:
    type: openai-compatible
    baseURL: http://127.0.0.1:8000/v1
    flavor: vllm
deployments:
  gpt-4o-eu: { provider: azure-eu, model: gpt-4o-prod, processing: eu }
  llama: { provider: local, model: meta-llama/Llama-3.3-70B-Instruct }
models:
  gpt-4o: { deployments: [gpt-4o-eu], aliases: [gpt4o] }
  llama-3.3: { deployments: [llama] }
keys:
  - name: ci
    key: \${CI_KEY:-sk-cvg-ci-default-key-000}
`;

describe('loadConfigFile', () => {
  it('loads YAML, resolves environment references and defaults, and freezes the result', async () => {
    const config = await loadConfigFile(await writeConfig(VALID), { AZURE_KEY: 'azure-secret' });
    expect(config.server.port).toBe(8080);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.providers['azure-eu']).toMatchObject({ type: 'azure-openai', apiKey: 'azure-secret' });
    expect(config.deployments['llama']?.processing).toBe('global');
    expect(config.keys[0]?.key).toBe('sk-cvg-ci-default-key-000');
    expect(Object.isFrozen(config.providers)).toBe(true);
  });

  it('names the path of a missing environment variable', async () => {
    const error = await loadConfigFile(await writeConfig(VALID), {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      'providers.azure-eu.apiKey: environment variable AZURE_KEY is not set',
    ]);
  });

  it('rejects unknown keys and wrong types with readable paths', () => {
    const error = (() => {
      try {
        parseConfig(
          { server: { port: 'eighty', prot: 1 }, providers: { x: { type: 'openai' } } },
          'test.yaml',
        );
      } catch (caught: unknown) {
        return caught;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues).toContain('server.port: Invalid input: expected number, received string');
    expect(
      error.issues.some((issue) => issue.startsWith('server: Unrecognized key') && issue.includes('prot')),
    ).toBe(true);
    expect(error.issues).toContain('providers.x.apiKey: Invalid input: expected string, received undefined');
    expect(error.message).toContain('Invalid configuration in test.yaml');
  });

  it('rejects dangling references between models, deployments and providers', () => {
    expect(() =>
      parseConfig(
        {
          providers: {},
          deployments: { d: { provider: 'nope', model: 'm' } },
          models: { m: { deployments: ['d', 'missing'] } },
        },
        'test',
      ),
    ).toThrowError(
      /deployments\.d\.provider: unknown provider "nope"[\s\S]*models\.m\.deployments\[1\]: unknown deployment "missing"/,
    );
  });

  it('reports YAML syntax errors as config errors', async () => {
    await expect(loadConfigFile(await writeConfig('server: [unclosed'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('accepts the embedded default', () => {
    const config = parseConfig(embeddedDefaultConfig({ port: 0 }), 'embedded');
    expect(Object.keys(config.models)).toEqual(
      expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'text-embedding-3-small']),
    );
  });
});
