import { isDeepStrictEqual } from 'node:util';
import { applyPatch, copyPolicyFields, fillPolicyFields, policyFieldNames } from './policy-fields.js';
import type { KeyPatch, KeyStore, NewVirtualKey, VirtualKeyRecord } from './types.js';

/** The fields `KeyStore.update` may change; anything else in a patch is ignored. */
export const keyPatchFields = [
  'name',
  'expiresAt',
  'role',
  'allowRouteOverride',
  ...policyFieldNames,
] as const;

/**
 * Live: neither revoked nor replaced by a rotation. Names are unique among live keys, and only live
 * keys can be updated or rotated (a replaced key still authenticates until its `expiresAt`).
 *
 * @example
 * isLiveKeyRecord(record); // false once rotated or revoked
 */
export function isLiveKeyRecord(record: VirtualKeyRecord): boolean {
  return record.revokedAt === null && record.replacedBy === null;
}

/**
 * A deep copy, so no caller can change a stored record through a returned one.
 *
 * @example
 * const copy = copyKeyRecord(stored);
 */
export function copyKeyRecord(record: VirtualKeyRecord): VirtualKeyRecord {
  return { ...record, ...copyPolicyFields(record) };
}

/**
 * The record a new key gets: the optional fields' defaults (no team, no user, role `member`, no route
 * override, no expiry, the policy defaults), `updatedAt` = `createdAt` = `at`.
 *
 * @example
 * buildKeyRecord({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' }, createKeyId(), Date.now());
 */
export function buildKeyRecord(key: NewVirtualKey, id: string, at: number): VirtualKeyRecord {
  return {
    id,
    name: key.name,
    prefix: key.prefix,
    hash: key.hash,
    createdAt: at,
    expiresAt: key.expiresAt ?? null,
    revokedAt: null,
    source: key.source,
    teamId: key.teamId ?? null,
    userId: key.userId ?? null,
    role: key.role ?? 'member',
    allowRouteOverride: key.allowRouteOverride ?? false,
    updatedAt: at,
    replacedBy: null,
    ...fillPolicyFields(key),
  };
}

/**
 * What `upsertByName` stores over `existing`: every field from `key` (omitted ones reset to their
 * defaults), the id, name and creation time kept, live again. `updatedAt` only moves (to `at`) when
 * something changed, so restarting with the same config rewrites nothing the replicas must reload.
 *
 * @example
 * const next = buildUpsertedKeyRecord(existing, key, Date.now());
 */
export function buildUpsertedKeyRecord(
  existing: VirtualKeyRecord,
  key: NewVirtualKey,
  at: number,
): VirtualKeyRecord {
  const next: VirtualKeyRecord = {
    ...buildKeyRecord(key, existing.id, existing.createdAt),
    updatedAt: existing.updatedAt,
  };
  return sameKeyRecord(existing, next) ? copyKeyRecord(existing) : { ...next, updatedAt: at };
}

function sameKeyRecord(left: VirtualKeyRecord, right: VirtualKeyRecord): boolean {
  return isDeepStrictEqual(copyKeyRecord(left), copyKeyRecord(right));
}

/**
 * A live key with `patch` applied (see `applyPatch`) and `updatedAt` = `at`.
 *
 * @example
 * const next = applyKeyPatch(record, { limits: { rpm: 60 } }, Date.now());
 */
export function applyKeyPatch(record: VirtualKeyRecord, patch: KeyPatch, at: number): VirtualKeyRecord {
  return { ...applyPatch(record, patch, keyPatchFields), updatedAt: at };
}

type RotateNext = Parameters<KeyStore['rotate']>[1];

/**
 * Both records of a rotation: `created` inherits the name, source, team, user, role, route override and
 * policy of `old` (its expiry is `next.expiresAt`, none when omitted), created at `at`; `old` gets
 * `replacedBy` and expires at `oldExpiresAt`, or earlier if it already expired earlier.
 *
 * @example
 * const { old, created } = buildRotatedKeyRecords(live, { hash, prefix }, createKeyId(), now + 86_400_000, now);
 */
export function buildRotatedKeyRecords(
  live: VirtualKeyRecord,
  next: RotateNext,
  createdId: string,
  oldExpiresAt: number,
  at: number,
): { old: VirtualKeyRecord; created: VirtualKeyRecord } {
  const created: VirtualKeyRecord = {
    ...copyKeyRecord(live),
    id: createdId,
    hash: next.hash,
    prefix: next.prefix,
    createdAt: at,
    expiresAt: next.expiresAt ?? null,
    revokedAt: null,
    updatedAt: at,
    replacedBy: null,
  };
  const expiresAt = live.expiresAt === null ? oldExpiresAt : Math.min(live.expiresAt, oldExpiresAt);
  const old: VirtualKeyRecord = { ...copyKeyRecord(live), replacedBy: createdId, expiresAt, updatedAt: at };
  return { old, created };
}
