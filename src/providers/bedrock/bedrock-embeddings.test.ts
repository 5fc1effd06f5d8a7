import { describe, expect, it } from 'vitest';
import type { EmbedResult } from '../../core/embed-request.js';
import type { Provider } from '../provider.js';
import { callOptions, type FixtureHandler } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { createBedrockProvider } from './bedrock-provider.js';

const upstream = useFixtureServer();
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

async function startBedrock(handler: FixtureHandler): Promise<Provider & Required<Pick<Provider, 'embed'>>> {
  const server = await upstream.start(handler);
  const provider = createBedrockProvider(
    'bedrock-test',
    {
      type: 'bedrock',
      region: 'us-east-1',
      partition: 'aws',
      credentials: { type: 'keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      endpoint: server.origin,
    },
    { http: upstream.http, log: upstream.log },
  );
  if (provider.embed === undefined) throw new Error('bedrock provider has no embed()');
  return provider as Provider & Required<Pick<Provider, 'embed'>>;
}

/** Titan: one vector per call, derived from the text so the order can be checked. */
const titan: FixtureHandler = (request, response) => {
  const { inputText } = request.json as { inputText: string };
  if (inputText === 'fail') {
    response.writeHead(400, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'ValidationException',
    });
    response.end('{"message":"Malformed input request: expected maxLength: 50000"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ embedding: [inputText.length, 0.5], inputTextTokenCount: inputText.length }));
};

describe('bedrock provider: embeddings', () => {
  it('Titan v2: one /invoke call per input with dimensions and normalize, results in input order', async () => {
    const provider = await startBedrock(titan);
    const input = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff'];
    const result = await provider.embed({ model: 'titan', input, dimensions: 256 }, callOptions(TITAN_V2));
    expect(result).toEqual<EmbedResult>({
      embeddings: input.map((text) => [text.length, 0.5]),
      usage: { inputTokens: 21 },
      modelId: TITAN_V2,
      warnings: [],
    });
    const requests = upstream.requests();
    expect(requests).toHaveLength(6);
    expect(requests.every((request) => request.url === '/model/amazon.titan-embed-text-v2%3A0/invoke')).toBe(
      true,
    );
    expect(
      requests
        .map((request) => request.json)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(input.map((inputText) => ({ inputText, dimensions: 256, normalize: true })));
    expect(requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('Titan v1 takes only inputText: dimensions is a warning', async () => {
    const provider = await startBedrock(titan);
    const result = await provider.embed(
      { model: 'titan', input: ['hello'], dimensions: 256 },
      callOptions('amazon.titan-embed-text-v1'),
    );
    expect(upstream.lastRequest().json).toEqual({ inputText: 'hello' });
    expect(result.warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'dimensions' }]);
  });

  it('a failing Titan call rejects the whole request with the mapped error', async () => {
    const provider = await startBedrock(titan);
    await expect(
      provider.embed({ model: 'titan', input: ['ok', 'fail', 'ok'] }, callOptions(TITAN_V2)),
    ).rejects.toMatchObject({
      code: 'upstream_invalid_request',
      message: expect.stringContaining('Malformed input'),
    });
  });

  it('Cohere: batches of 96 texts, input_type search_document by default, usage from the token-count header', async () => {
    const provider = await startBedrock((request, response) => {
      const { texts } = request.json as { texts: string[] };
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-amzn-bedrock-input-token-count': String(texts.length * 2),
      });
      response.end(
        JSON.stringify({
          id: 'x',
          response_type: 'embeddings_floats',
          embeddings: texts.map((text) => [Number(text)]),
        }),
      );
    });
    const input = Array.from({ length: 100 }, (_, index) => String(index));
    const result = await provider.embed(
      { model: 'cohere', input },
      callOptions('cohere.embed-multilingual-v3'),
    );
    expect(result.embeddings).toEqual(input.map((text) => [Number(text)]));
    expect(result.usage).toEqual({ inputTokens: 200 });
    expect(upstream.requests().map((request) => request.json)).toEqual([
      { texts: input.slice(0, 96), input_type: 'search_document' },
      { texts: input.slice(96), input_type: 'search_document' },
    ]);
  });

  it('Cohere v4: output_dimension, inputType from providerOptions, embeddings keyed by type', async () => {
    const provider = await startBedrock((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ embeddings: { float: [[0.1, 0.2]] } }));
    });
    const result = await provider.embed(
      {
        model: 'cohere',
        input: ['query'],
        dimensions: 512,
        providerOptions: { bedrock: { inputType: 'search_query' } },
      },
      callOptions('us.cohere.embed-v4:0'),
    );
    expect(upstream.lastRequest().json).toEqual({
      texts: ['query'],
      input_type: 'search_query',
      output_dimension: 512,
    });
    expect(result.embeddings).toEqual([[0.1, 0.2]]);
  });

  it('rejects models it cannot format for, and token-id input, before calling Bedrock', async () => {
    const provider = await startBedrock(titan);
    await expect(
      provider.embed({ model: 'x', input: ['a'] }, callOptions('meta.llama3-8b-instruct-v1:0')),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(
      provider.embed({ model: 'x', input: [[1, 2]] }, callOptions(TITAN_V2)),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'input',
    });
    expect(upstream.requests()).toHaveLength(0);
  });
});
