import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpClient } from './http/http-client.js';
import { createProvider } from './index.js';

const dependencies = { http: createHttpClient(), log: pino({ level: 'silent' }) };
afterAll(() => dependencies.http.close());

describe('createProvider', () => {
  it('builds each provider type with its name and type', () => {
    const providers = [
      createProvider(
        'oa',
        { type: 'openai', apiKey: 'sk', baseURL: 'https://api.openai.com/v1' },
        dependencies,
      ),
      createProvider(
        'az',
        {
          type: 'azure-openai',
          endpoint: 'https://r.openai.azure.com',
          apiKey: 'k',
          apiVersion: '2024-10-21',
        },
        dependencies,
      ),
      createProvider(
        'local',
        { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', flavor: 'vllm' },
        dependencies,
      ),
    ];
    expect(providers.map((provider) => [provider.name, provider.type])).toEqual([
      ['oa', 'openai'],
      ['az', 'azure-openai'],
      ['local', 'openai-compatible'],
    ]);
    expect(providers.every((provider) => typeof provider.embed === 'function')).toBe(true);
  });

  it('refuses sandbox accounts, which the gateway builds itself', () => {
    expect(() => createProvider('sb', { type: 'sandbox', emulate: 'openai' }, dependencies)).toThrow(
      /providers\.sb: sandbox/,
    );
  });
});
