import { describe, expect, it } from 'vitest';
import type { TeamRecord, VirtualKeyRecord } from '../../storage/types.js';
import { buildPrincipal, intersectAllowed } from './build-principal.js';

function keyRecord(fields: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    id: 'key_1',
    name: 'ci',
    prefix: 'sk-cvg-abcd',
    hash: 'a'.repeat(64),
    createdAt: 1,
    updatedAt: 1,
    expiresAt: null,
    revokedAt: null,
    source: 'issued',
    teamId: null,
    userId: null,
    role: 'member',
    allowRouteOverride: false,
    replacedBy: null,
    models: null,
    processing: null,
    limits: {},
    budget: {},
    tags: {},
    ...fields,
  };
}

function team(fields: Partial<TeamRecord> = {}): TeamRecord {
  return {
    id: 'team_1',
    name: 'search',
    createdAt: 1,
    updatedAt: 1,
    deletedAt: null,
    models: null,
    processing: null,
    limits: {},
    budget: {},
    tags: {},
    ...fields,
  };
}

describe('buildPrincipal', () => {
  it('layers a key over the defaults field by field; a key without limits gets the defaults', () => {
    const defaults = { limits: { rpm: 60, tpm: 10_000 }, budget: { usdPerDay: 1.5 } };
    const own = buildPrincipal(
      keyRecord({ limits: { rpm: 5 }, budget: { usdPerMonth: 20 } }),
      undefined,
      defaults,
    );
    expect(own.limitScopes).toEqual([
      {
        id: 'key:key_1',
        limits: {
          rpm: 5,
          tpm: 10_000,
          budgets: [
            { period: 'day', limitMicros: 1_500_000, hard: true },
            { period: 'month', limitMicros: 20_000_000, hard: true },
          ],
        },
      },
    ]);
    const alert = buildPrincipal(keyRecord({ budget: { mode: 'alert' } }), undefined, defaults);
    expect(alert.limitScopes?.[0]?.limits.budgets).toEqual([
      { period: 'day', limitMicros: 1_500_000, hard: false },
    ]);
    expect(buildPrincipal(keyRecord(), undefined, {}).limitScopes).toEqual([]);
  });

  it("adds the team's scope after the key's, without the key defaults", () => {
    const principal = buildPrincipal(
      keyRecord({ teamId: 'team_1' }),
      team({ limits: { concurrency: 3 }, budget: { usdPerMonth: 100, mode: 'hard' } }),
      { limits: { rpm: 60 } },
    );
    expect(principal.limitScopes).toEqual([
      { id: 'key:key_1', limits: { rpm: 60 } },
      {
        id: 'team:team_1',
        limits: { concurrency: 3, budgets: [{ period: 'month', limitMicros: 100_000_000, hard: true }] },
      },
    ]);
    expect(principal.teamName).toBe('search');
  });

  it('narrows models to those both allow, and carries both residency rules', () => {
    const principal = buildPrincipal(
      keyRecord({ teamId: 'team_1', models: ['gpt-4o', 'claude'], processing: ['eu-west-1'] }),
      team({ models: ['claude', 'gemini'], processing: ['eu'] }),
      {},
    );
    expect(principal.models).toEqual(['claude']);
    expect(principal.processing).toEqual(['eu-west-1']);
    expect(principal.teamProcessing).toEqual(['eu']);
    expect(principal).toMatchObject({ keyId: 'key_1', keyName: 'ci', teamId: 'team_1', role: 'member' });
  });
});

describe('intersectAllowed', () => {
  it('treats null as "everything" on either side, and keeps an empty list as "nothing"', () => {
    expect(intersectAllowed(null, null)).toBeNull();
    expect(intersectAllowed(['a'], null)).toEqual(['a']);
    expect(intersectAllowed(null, ['b'])).toEqual(['b']);
    expect(intersectAllowed(['a', 'b'], ['b', 'c'])).toEqual(['b']);
    expect(intersectAllowed(['a'], [])).toEqual([]);
  });
});
