import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** A sealed value that failed to open: wrong master key, wrong context, or tampered bytes. */
export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}

/** Encrypts small secrets at rest and opens them again; see `createSecretBox`. */
export interface SecretBox {
  /** Encrypts `plaintext`, bound to `context` (e.g. the access key id it belongs to). */
  seal(plaintext: string, context: string): string;
  /** Decrypts a sealed value; throws `SecretBoxError` unless key, context and bytes are all intact. */
  open(sealed: string, context: string): string;
}

/**
 * AES-256-GCM with a random 96-bit nonce per value. The output is `v1.<nonce>.<ciphertext>.<tag>`
 * (base64url parts). `context` is authenticated but not stored, so a sealed value copied onto
 * another row (another access key id) does not open there.
 *
 * @example
 * const box = createSecretBox(randomBytes(32));
 * const sealed = box.seal('wJalrXUtnFEMI/K7MDENG', 'CVGEXAMPLE0000000001');
 * box.open(sealed, 'CVGEXAMPLE0000000001'); // 'wJalrXUtnFEMI/K7MDENG'
 */
export function createSecretBox(masterKey: Uint8Array): SecretBox {
  if (masterKey.length !== KEY_LENGTH) {
    throw new SecretBoxError(`the master key must be ${KEY_LENGTH} bytes, not ${masterKey.length}`);
  }
  const key = Buffer.from(masterKey);
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [nonce, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },
    open(sealed, context) {
      const [version, nonce, ciphertext, tag, ...extra] = sealed.split('.');
      if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined) {
        throw new SecretBoxError('the sealed value is malformed');
      }
      const nonceBytes = Buffer.from(nonce, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (extra.length > 0 || nonceBytes.length !== IV_LENGTH || tagBytes.length !== TAG_LENGTH) {
        throw new SecretBoxError('the sealed value is malformed');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonceBytes, { authTagLength: TAG_LENGTH });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tagBytes);
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]);
        return plaintext.toString('utf8');
      } catch (error: unknown) {
        throw new SecretBoxError(
          'the sealed value could not be opened: wrong master key, or the value was altered',
          { cause: error },
        );
      }
    },
  };
}
