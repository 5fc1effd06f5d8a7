import { applyPatch } from './policy-fields.js';
import type { NewUser, UserPatch, UserRecord } from './types.js';

/** The fields `UserStore.update` may change; anything else in a patch is ignored. */
export const userPatchFields = ['displayName', 'teamId', 'role'] as const;

/**
 * The form emails are compared in: `toLowerCase()` (locale-independent, Unicode-aware), so every
 * backend agrees on which two emails clash; the email itself is stored as given.
 *
 * @example
 * normalizeEmail('Ada@Example.COM'); // 'ada@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.toLowerCase();
}

/**
 * The record a new user gets: no display name unless given, `updatedAt` = `createdAt` = `at`.
 *
 * @example
 * buildUserRecord({ email: 'ada@example.com', teamId: null, role: 'admin' }, createRecordId('user'), Date.now());
 */
export function buildUserRecord(user: NewUser, id: string, at: number): UserRecord {
  return {
    id,
    email: user.email,
    displayName: user.displayName ?? null,
    teamId: user.teamId ?? null,
    role: user.role,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
}

/**
 * A live user with `patch` applied (undefined = keep, anything else replaces) and `updatedAt` = `at`.
 *
 * @example
 * const next = applyUserPatch(user, { role: 'team-admin' }, Date.now());
 */
export function applyUserPatch(record: UserRecord, patch: UserPatch, at: number): UserRecord {
  return { ...applyPatch(record, patch, userPatchFields), updatedAt: at };
}
