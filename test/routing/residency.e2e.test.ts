import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  type RoutingGateway,
  SANDBOX_AZURE_KEY,
  SANDBOX_OPENAI_KEY,
  startRoutingGateway,
} from './routing-stack.js';

const EU_KEY = 'sk-cvg-routing-eu-only-0123456789ab';
const ANY_KEY = 'sk-cvg-routing-anywhere-0123456789';
const messages = [{ role: 'user' as const, content: 'Where was this processed?' }];

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('residency: an eu-restricted key never reaches a global or US deployment (issue #5 b)', () => {
  let euSandbox: RunningSandbox;
  let usSandbox: RunningSandbox;
  let stack: RoutingGateway;

  beforeAll(async () => {
    // Every EU deployment fails: one sandbox answering 500 to everything, one address nobody listens on.
    euSandbox = await startSandbox({
      latency: 'zero',
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: { sweden: { model: 'gpt-4o' }, france: { model: 'gpt-4o' } },
      },
      faults: { rate: { '500': 1 } },
    });
    usSandbox = await startSandbox({
      latency: 'zero',
      openai: { keys: [SANDBOX_OPENAI_KEY] },
      azure: { keys: [SANDBOX_AZURE_KEY], deployments: { eastus: { model: 'gpt-4o' } } },
    });
    stack = await startRoutingGateway({
      config: {
        providers: {
          'azure-eu': { type: 'azure-openai', endpoint: euSandbox.url, apiKey: SANDBOX_AZURE_KEY },
          'azure-eu-dead': {
            type: 'azure-openai',
            endpoint: 'http://127.0.0.1:9',
            apiKey: SANDBOX_AZURE_KEY,
          },
          'azure-us': { type: 'azure-openai', endpoint: usSandbox.url, apiKey: SANDBOX_AZURE_KEY },
          openai: { type: 'openai', baseURL: `${usSandbox.url}/v1`, apiKey: SANDBOX_OPENAI_KEY },
        },
        deployments: {
          sweden: { provider: 'azure-eu', model: 'sweden', processing: 'swedencentral' },
          france: { provider: 'azure-eu', model: 'france', processing: 'francecentral' },
          'west-europe': { provider: 'azure-eu-dead', model: 'gpt-4o', processing: 'westeurope' },
          eastus: { provider: 'azure-us', model: 'eastus', processing: 'eastus' },
          'openai-global': { provider: 'openai', model: 'gpt-4o', processing: 'global' },
        },
        models: {
          'gpt-4o': { deployments: ['sweden', 'france', 'west-europe', 'eastus', 'openai-global'] },
          'gpt-4o-us': { deployments: ['eastus', 'openai-global'] },
        },
        keys: [
          { name: 'eu-only', key: EU_KEY, processing: ['eu'] },
          { name: 'anywhere', key: ANY_KEY },
        ],
        // Breakers stay out of this test: every EU attempt must really be made.
        routing: { breaker: { consecutiveFailures: 100 } },
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await euSandbox?.close();
    await usSandbox?.close();
  });

  it('OpenAI dialect: 503 no_eligible_target after trying only the EU deployments', async () => {
    usSandbox.resetStats();
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: EU_KEY, maxRetries: 0 });
    const error = await failure(client.chat.completions.create({ model: 'gpt-4o', messages }));
    expect([error.status, error.code]).toEqual([503, 'no_eligible_target']);
    expect(error.message).toContain('(eu)');
    const row = await stack.waitForRow(
      (candidate) => candidate.requestId === error.headers?.get('x-converge-request-id'),
    );
    expect(row).toMatchObject({ status: 'error', errorCode: 'no_eligible_target', httpStatus: 503 });
    expect(row.attempts.map((attempt) => [attempt.deployment, attempt.status])).toEqual([
      ['sweden', 'error'],
      ['france', 'error'],
      ['west-europe', 'error'],
    ]);
    expect(usSandbox.stats()).toEqual({});
  });

  it('Azure OpenAI dialect: the same 503 in Azure’s error shape', async () => {
    const azure = new AzureOpenAI({
      endpoint: stack.url,
      apiKey: EU_KEY,
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o',
      maxRetries: 0,
    });
    const error = await failure(azure.chat.completions.create({ model: 'gpt-4o', messages }));
    expect([error.status, error.code]).toEqual([503, 'no_eligible_target']);
    expect(usSandbox.stats()).toEqual({});
  });

  it('Anthropic dialect: the same refusal as an api_error, streaming too', async () => {
    const anthropic = new Anthropic({ baseURL: stack.url, apiKey: EU_KEY, maxRetries: 0 });
    const error = await anthropic.messages
      .create({ model: 'gpt-4o', max_tokens: 20, stream: true, messages })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.headers?.get('x-converge-error-code')).toBe('no_eligible_target');
    expect(usSandbox.stats()).toEqual({});
  });

  it('a model with no EU deployment at all is refused at once, without any upstream call', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: EU_KEY, maxRetries: 0 });
    const error = await failure(client.chat.completions.create({ model: 'gpt-4o-us', messages }));
    expect([error.status, error.code]).toEqual([503, 'no_eligible_target']);
    const row = await stack.waitForRow(
      (candidate) => candidate.requestId === error.headers?.get('x-converge-request-id'),
    );
    expect(row.attempts).toEqual([]);
    expect(usSandbox.stats()).toEqual({});
  });

  it('an unrestricted key fails over from the broken EU deployments to the US one', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: ANY_KEY, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(response.headers.get('x-converge-target')).toBe('azure-us/eastus/eastus');
    expect(response.headers.get('x-converge-attempts')).toBe('4');
    // Failures are fallbacks, not spillovers: no capacity was involved.
    expect(response.headers.get('x-converge-spillover')).toBeNull();
  });
});
