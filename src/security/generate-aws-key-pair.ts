import { randomBytes } from 'node:crypto';

/** Gateway-issued access key ids: `CVG` + 17 uppercase letters or digits, 20 characters like AWS's `AKIA…`. */
export const ACCESS_KEY_ID_PATTERN = /^CVG[A-Z0-9]{17}$/;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `length` characters drawn uniformly from `alphabet` (rejection sampling, so no character is favoured). */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && result.length < length) result += alphabet[byte % alphabet.length];
    }
  }
  return result;
}

export interface AwsKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A new AWS-style key pair: an access key id (`CVG` + 17 of A–Z0–9, ~88 bits, public) and a
 * 40-character secret access key (base64 alphabet, 240 bits), the shapes AWS SDKs expect.
 *
 * @example
 * const { accessKeyId, secretAccessKey } = generateAwsKeyPair();
 * // accessKeyId 'CVG7Q2M0ZK1XH3B9TP4D', secretAccessKey 'q8V+…' (40 characters)
 */
export function generateAwsKeyPair(): AwsKeyPair {
  return {
    accessKeyId: `CVG${randomString(ID_ALPHABET, 17)}`,
    secretAccessKey: randomString(SECRET_ALPHABET, 40),
  };
}
