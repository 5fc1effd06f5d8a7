import { describe, expect, it } from 'vitest';
import { geographyOf, satisfiesResidency } from './geography.js';

describe('geographyOf', () => {
  it.each([
    ['eu', 'eu'],
    ['us', 'us'],
    ['global', 'global'],
    ['eu-west-1', 'eu'],
    ['eu-central-1', 'eu'],
    ['eu-central-2', 'ch'],
    ['europe-west4', 'eu'],
    ['europe-west2', 'uk'],
    ['europe-west6', 'ch'],
    ['swedencentral', 'eu'],
    ['westeurope', 'eu'],
    ['francecentral', 'eu'],
    ['germanywestcentral', 'eu'],
    ['switzerlandnorth', 'ch'],
    ['uksouth', 'uk'],
    ['eastus2', 'us'],
    ['us-east-1', 'us'],
    ['us-gov-west-1', 'us'],
    ['us-central1', 'us'],
    ['ap-northeast-1', 'apac'],
    ['asia-northeast1', 'apac'],
    ['japaneast', 'apac'],
    ['ca-central-1', 'ca'],
    ['atlantis', 'atlantis'],
  ])('%s → %s', (processing, geography) => {
    expect(geographyOf(processing)).toBe(geography);
  });

  it('a sovereign partition pins the geography whatever the region is called', () => {
    expect(geographyOf('eusc-de-east-1', 'aws-eusc')).toBe('eu');
    expect(geographyOf('us-gov-east-1', 'aws-us-gov')).toBe('us');
    expect(geographyOf('global', 'aws')).toBe('global');
  });
});

describe('satisfiesResidency', () => {
  it('an eu rule admits EU regions and nothing global, US or merely European', () => {
    const eu = ['eu'];
    expect(satisfiesResidency(eu, 'swedencentral', geographyOf('swedencentral'))).toBe(true);
    expect(satisfiesResidency(eu, 'eu-west-3', geographyOf('eu-west-3'))).toBe(true);
    expect(satisfiesResidency(eu, 'global', geographyOf('global'))).toBe(false);
    expect(satisfiesResidency(eu, 'us', geographyOf('us'))).toBe(false);
    expect(satisfiesResidency(eu, 'uksouth', geographyOf('uksouth'))).toBe(false);
    expect(satisfiesResidency(eu, 'eu-central-2', geographyOf('eu-central-2'))).toBe(false);
  });

  it('a rule may name an exact region', () => {
    expect(satisfiesResidency(['swedencentral'], 'swedencentral', 'eu')).toBe(true);
    expect(satisfiesResidency(['swedencentral'], 'westeurope', 'eu')).toBe(false);
  });
});
