import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from './secret-box.js';

const box = createSecretBox(randomBytes(32));
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONTEXT = 'CVGEXAMPLE0000000001';

/** Flips one bit of one base64url part of a sealed value. */
function flipBit(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createSecretBox', () => {
  it('opens what it sealed, and seals the same secret differently each time', () => {
    const first = box.seal(SECRET, CONTEXT);
    const second = box.seal(SECRET, CONTEXT);
    expect(first).not.toBe(second);
    expect(first).not.toContain(SECRET);
    expect(first).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(box.open(first, CONTEXT)).toBe(SECRET);
    expect(box.open(second, CONTEXT)).toBe(SECRET);
    expect(box.open(box.seal('ünïcødé ✓', CONTEXT), CONTEXT)).toBe('ünïcødé ✓');
  });

  it.each([
    ['nonce', 1],
    ['ciphertext', 2],
    ['tag', 3],
  ])('refuses a value whose %s was altered', (_part, index) => {
    const sealed = box.seal(SECRET, CONTEXT);
    expect(() => box.open(flipBit(sealed, index), CONTEXT)).toThrow(SecretBoxError);
  });

  it('refuses a value sealed for another context (copied onto another access key)', () => {
    const sealed = box.seal(SECRET, CONTEXT);
    expect(() => box.open(sealed, 'CVGEXAMPLE0000000002')).toThrow(/could not be opened/);
  });

  it('refuses a value sealed under another master key', () => {
    const other = createSecretBox(randomBytes(32));
    expect(() => other.open(box.seal(SECRET, CONTEXT), CONTEXT)).toThrow(SecretBoxError);
  });

  it('refuses malformed values and master keys of the wrong size', () => {
    const sealed = box.seal(SECRET, CONTEXT);
    for (const bad of ['', 'v1', `v2${sealed.slice(2)}`, `${sealed}.extra`, 'v1.AAAA.AAAA.AAAA']) {
      expect(() => box.open(bad, CONTEXT)).toThrow(/malformed/);
    }
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
