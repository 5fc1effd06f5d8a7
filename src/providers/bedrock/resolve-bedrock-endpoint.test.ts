import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { bedrockModelFamily, supportsClaudeThinking } from './bedrock-model-family.js';
import {
  type BedrockPartition,
  bedrockModelUrl,
  resolveBedrockEndpoint,
} from './resolve-bedrock-endpoint.js';

const sdk = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
afterAll(() => sdk.destroy());

describe('resolveBedrockEndpoint', () => {
  it.each<[BedrockPartition, string, string]>([
    ['aws', 'eu-central-1', 'https://bedrock-runtime.eu-central-1.amazonaws.com'],
    ['aws-us-gov', 'us-gov-west-1', 'https://bedrock-runtime.us-gov-west-1.amazonaws.com'],
    ['aws-cn', 'cn-northwest-1', 'https://bedrock-runtime.cn-northwest-1.amazonaws.com.cn'],
    ['aws-eusc', 'eusc-de-east-1', 'https://bedrock-runtime.eusc-de-east-1.amazonaws.eu'],
  ])('%s %s → %s, as the official SDK resolves it', (partition, region, expected) => {
    expect(resolveBedrockEndpoint('b', { partition, region, endpoint: undefined })).toBe(expected);
    const official = sdk.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
    expect(official.url.href.replace(/\/$/, '')).toBe(expected);
  });

  it('rejects a region outside its partition at start, naming the setting', () => {
    expect(() =>
      resolveBedrockEndpoint('bedrock-cn', { partition: 'aws-cn', region: 'eu-west-1', endpoint: undefined }),
    ).toThrow('providers.bedrock-cn.region: "eu-west-1" is not a region of partition aws-cn');
    expect(() =>
      resolveBedrockEndpoint('b', { partition: 'aws', region: 'us-gov-west-1', endpoint: undefined }),
    ).toThrow(/not a region of partition aws /);
  });

  it('uses config.endpoint as given (without a trailing slash), for any region', () => {
    expect(
      resolveBedrockEndpoint('b', {
        partition: 'aws',
        region: 'local',
        endpoint: 'https://vpce-1.bedrock-runtime.example/',
      }),
    ).toBe('https://vpce-1.bedrock-runtime.example');
  });
});

describe('bedrockModelUrl', () => {
  it('percent-encodes the whole model id as one label, like the AWS SDKs', () => {
    const endpoint = 'https://bedrock-runtime.us-east-1.amazonaws.com';
    expect(bedrockModelUrl(endpoint, 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'converse')).toBe(
      `${endpoint}/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse`,
    );
    expect(
      bedrockModelUrl(
        endpoint,
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0',
        'converse-stream',
      ),
    ).toBe(
      `${endpoint}/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream`,
    );
    expect(bedrockModelUrl(endpoint, "odd!'()*", 'invoke')).toBe(
      `${endpoint}/model/odd%21%27%28%29%2A/invoke`,
    );
  });
});

describe('model family', () => {
  it.each([
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic', false],
    ['eu.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic', true],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic', true],
    ['us.anthropic.claude-opus-4-1-20250805-v1:0', 'anthropic', true],
    ['apac.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic', true],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic', false],
    ['arn:aws:bedrock:eu-west-1::foundation-model/mistral.mistral-large-2407-v1:0', 'mistral', false],
    ['us.amazon.nova-pro-v1:0', 'amazon', false],
    ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6', undefined, false],
  ])('%s → %s (thinking %s)', (modelId, family, thinking) => {
    expect(bedrockModelFamily(modelId)).toBe(family);
    expect(supportsClaudeThinking(modelId)).toBe(thinking);
  });
});
