import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { ModelEntry } from '../../pipeline/route/model-registry.js';
import { decodeModelIdSegment, mapBedrockModelId } from './map-model-id.js';

const claude: ModelEntry = {
  name: 'claude-sonnet',
  kind: 'chat',
  aliases: ['anthropic.claude-3-5-sonnet-20241022-v2:0'],
  targets: [],
};
const profile: ModelEntry = {
  name: 'eu.meta.llama3-2-3b-instruct-v1:0',
  kind: 'chat',
  aliases: [],
  targets: [],
};
const registry = {
  resolve: (name: string) =>
    [claude, profile].find((entry) => entry.name === name || entry.aliases.includes(name)),
};

describe('mapBedrockModelId', () => {
  it.each([
    ['claude-sonnet', 'claude-sonnet'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-sonnet'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-sonnet'],
    ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-sonnet'],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
      'claude-sonnet',
    ],
    [
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20241022-v2:0',
      'claude-sonnet',
    ],
    ['arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/claude-sonnet', 'claude-sonnet'],
    // An exact match on a name wins over stripping its prefix.
    ['eu.meta.llama3-2-3b-instruct-v1:0', 'eu.meta.llama3-2-3b-instruct-v1:0'],
    ['mistral.mistral-large-2407-v1:0', 'mistral.mistral-large-2407-v1:0'],
  ])('%s → %s', (modelId, expected) => {
    expect(mapBedrockModelId(modelId, registry)).toBe(expected);
  });
});

describe('decodeModelIdSegment', () => {
  it('decodes one percent-encoded segment and accepts a literal colon', () => {
    expect(
      decodeModelIdSegment('arn%3Aaws%3Abedrock%3Aeu-west-1%3A1%3Ainference-profile%2Feu.m-v1%3A0'),
    ).toBe('arn:aws:bedrock:eu-west-1:1:inference-profile/eu.m-v1:0');
    expect(decodeModelIdSegment('anthropic.claude-v2:1')).toBe('anthropic.claude-v2:1');
  });

  it('refuses a malformed or oversized id', () => {
    expect(() => decodeModelIdSegment('%E0%A4%A')).toThrow(GatewayError);
    expect(() => decodeModelIdSegment('a'.repeat(2049))).toThrow(/model identifier is invalid/);
  });
});
