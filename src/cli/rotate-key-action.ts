import { hashKey } from '../pipeline/auth/key-resolver.js';
import { generateKeySecret, keyPrefix } from '../security/generate-key-secret.js';
import { CliError, parseDuration } from './cli-support.js';
import { formatTimestamp } from './describe-policy.js';
import { acceptOnlyOptions, findLiveKey, requireChangeableKey } from './find-records.js';
import type { KeysContext } from './parse-keys-args.js';

/** How long the old secret keeps working after a rotation unless --overlap says otherwise. */
export const DEFAULT_ROTATION_OVERLAP = '24h';

/** The new key's expiry: now + --expires-in, else the old key's (rotation changes the secret, not the lifetime). */
function nextExpiry(context: KeysContext, old: { expiresAt: number | null }): number | null {
  const expiresIn = context.values['expires-in'];
  return expiresIn === undefined ? old.expiresAt : context.now + parseDuration(expiresIn);
}

/**
 * `converge keys rotate <key>`: issues a new secret for a key (same name, team, user, role and
 * policy) and prints it once; the old secret keeps working until the overlap ends, so clients can
 * switch without downtime.
 *
 * @example
 * await rotateKeyAction(context, 'ci-bot'); // values: { overlap: '1h' }
 */
export async function rotateKeyAction(context: KeysContext, target: string): Promise<number> {
  const { storage, values, now } = context;
  acceptOnlyOptions('keys rotate', values, ['overlap', 'expires-in']);
  const overlap = parseDuration(values.overlap ?? DEFAULT_ROTATION_OVERLAP);
  const old = await findLiveKey(storage, target);
  requireChangeableKey('keys rotate', old, now, { mustBeUnexpired: true });
  const secret = generateKeySecret();
  const next = { hash: hashKey(secret), prefix: keyPrefix(secret), expiresAt: nextExpiry(context, old) };
  const rotated = await storage.keys.rotate(old.id, next, now + overlap, now);
  if (rotated === undefined) throw new CliError(`no live key named or with id '${target}'`, 1);
  const pairs = (await storage.awsKeyPairs.list()).filter(
    (pair) => pair.keyId === old.id && pair.revokedAt === null,
  );
  if (values.json === true) {
    const { created, old: replaced } = rotated;
    const output = {
      ...created,
      hash: undefined,
      secret,
      old: { id: replaced.id, expiresAt: replaced.expiresAt },
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return 0;
  }
  const lines = [
    `Rotated key '${rotated.created.name}': new key ${rotated.created.id}.`,
    `Secret (shown once): ${secret}`,
    `The old secret (${old.prefix}…) keeps working until ${formatTimestamp(rotated.old.expiresAt)} UTC.`,
  ];
  if (pairs.length > 0)
    lines.push(
      `Its AWS key pairs (${pairs.map((pair) => pair.accessKeyId).join(', ')}) stop working then too;`,
      `issue new ones with 'converge keys add-aws ${rotated.created.id}'.`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
