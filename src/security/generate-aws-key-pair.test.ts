import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID_PATTERN, generateAwsKeyPair } from './generate-aws-key-pair.js';

describe('generateAwsKeyPair', () => {
  it('makes AWS-shaped pairs: a CVG access key id and a 40-character secret, never repeated', () => {
    const pairs = Array.from({ length: 200 }, generateAwsKeyPair);
    for (const { accessKeyId, secretAccessKey } of pairs) {
      expect(accessKeyId).toMatch(ACCESS_KEY_ID_PATTERN);
      expect(accessKeyId).toHaveLength(20);
      expect(secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    }
    expect(new Set(pairs.map((pair) => pair.accessKeyId)).size).toBe(200);
    expect(new Set(pairs.map((pair) => pair.secretAccessKey)).size).toBe(200);
  });

  it('uses the whole alphabet (no character left out by biased sampling)', () => {
    const characters = new Set(
      Array.from({ length: 400 }, () => generateAwsKeyPair().accessKeyId.slice(3)).join(''),
    );
    expect(characters.size).toBe(36);
  });
});
