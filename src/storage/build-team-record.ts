import { applyPatch, copyPolicyFields, fillPolicyFields, policyFieldNames } from './policy-fields.js';
import type { NewTeam, TeamPatch, TeamRecord } from './types.js';

/** The fields `TeamStore.update` may change; anything else in a patch is ignored. */
export const teamPatchFields = ['name', ...policyFieldNames] as const;

/**
 * A deep copy, so no caller can change a stored record through a returned one.
 *
 * @example
 * const copy = copyTeamRecord(stored);
 */
export function copyTeamRecord(record: TeamRecord): TeamRecord {
  return { ...record, ...copyPolicyFields(record) };
}

/**
 * The record a new team gets: the policy defaults for omitted fields, `updatedAt` = `createdAt` = `at`.
 *
 * @example
 * buildTeamRecord({ name: 'search' }, createRecordId('team'), Date.now());
 */
export function buildTeamRecord(team: NewTeam, id: string, at: number): TeamRecord {
  return { id, name: team.name, ...fillPolicyFields(team), createdAt: at, updatedAt: at, deletedAt: null };
}

/**
 * A live team with `patch` applied (undefined = keep, anything else replaces) and `updatedAt` = `at`.
 *
 * @example
 * const next = applyTeamPatch(team, { budget: { usdPerDay: 50 } }, Date.now());
 */
export function applyTeamPatch(record: TeamRecord, patch: TeamPatch, at: number): TeamRecord {
  return { ...applyPatch(record, patch, teamPatchFields), updatedAt: at };
}
