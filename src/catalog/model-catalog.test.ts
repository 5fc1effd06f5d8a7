import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from './load-catalog.js';
import { normalizeModelId } from './normalize-model-id.js';

const catalog = loadBundledCatalog();
const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('catalog lookup by upstream id', () => {
  it.each([
    [SONNET_45, 'standard'],
    [`eu.${SONNET_45}`, 'standard'],
    [`us-gov.${SONNET_45}`, 'standard'],
    [`global.${SONNET_45}`, 'global'],
    [`arn:aws:bedrock:eu-central-1::foundation-model/${SONNET_45}`, 'standard'],
    [`arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.${SONNET_45}`, 'standard'],
    [`arn:aws-eusc:bedrock:eusc-de-east-1:123456789012:inference-profile/global.${SONNET_45}`, 'global'],
    ['  EU.ANTHROPIC.CLAUDE-SONNET-4-5-20250929-V1:0 ', 'standard'],
  ])('Bedrock %s → claude-sonnet-4-5 (%s price)', (upstreamId, scope) => {
    expect(catalog.find('bedrock', upstreamId)).toMatchObject({ model: { id: 'claude-sonnet-4-5' }, scope });
  });

  it('cannot tell the model of a provisioned-model or application-profile ARN (pin catalogModel)', () => {
    const provisioned = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123';
    const application = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/xyz';
    expect(catalog.find('bedrock', provisioned)).toBeUndefined();
    expect(catalog.find('bedrock', application)).toBeUndefined();
    expect(normalizeModelId('bedrock', provisioned)).toEqual({ id: undefined });
  });

  it('reads Vertex resource paths, and their location as the price scope', () => {
    expect(catalog.find('vertex', 'gemini-2.5-pro')).toMatchObject({
      model: { id: 'gemini-2.5-pro' },
      scope: undefined,
    });
    expect(
      catalog.find(
        'vertex',
        'projects/p/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929',
      ),
    ).toMatchObject({ model: { id: 'claude-sonnet-4-5' }, scope: 'global' });
    expect(
      catalog.find('vertex', 'projects/p/locations/europe-west1/publishers/google/models/gemini-2.5-flash'),
    ).toMatchObject({ model: { id: 'gemini-2.5-flash' }, scope: 'standard' });
  });

  it('strips the Gemini API models/ prefix and finds dated snapshots and aliases', () => {
    expect(catalog.find('gemini', 'models/gemini-2.5-flash')?.model.id).toBe('gemini-2.5-flash');
    expect(catalog.find('openai', 'gpt-4o-2024-11-20')?.model.id).toBe('gpt-4o');
    expect(catalog.find('anthropic', 'claude-sonnet-4-5')?.model.id).toBe('claude-sonnet-4-5');
    expect(catalog.find('azure-openai', 'gpt-4o-2024-05-13')?.model.id).toBe('gpt-4o-2024-05-13');
  });

  it('keeps provider types apart and answers undefined for unknown ids', () => {
    expect(catalog.find('openai', SONNET_45)).toBeUndefined();
    expect(catalog.find('azure-openai', 'my-prod-deployment')).toBeUndefined();
    expect(catalog.byId('vertex', 'claude-3-7-sonnet')?.upstreamIds).toEqual(['claude-3-7-sonnet@20250219']);
    expect(catalog.byId('gemini', 'claude-3-7-sonnet')).toBeUndefined();
  });
});
