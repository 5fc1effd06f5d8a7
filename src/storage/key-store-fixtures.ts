import type { NewVirtualKey } from './types.js';

/**
 * A time after every `Date.now()` a test run sees (year 2096): changes stamped from here on sort
 * after every insert, so `listUpdatedSince` tests never depend on the clock.
 */
export const LATER = 4_000_000_000_000;

/** A 64-character fake SHA-256 hex digest that differs per label. */
export function hashOf(label: string): string {
  return label.padEnd(64, '0');
}

/**
 * A new issued key named `name`, its hash and prefix derived from the name.
 *
 * @example
 * await store.insert(newKey('ci', { role: 'admin' }));
 */
export function newKey(name: string, overrides: Partial<NewVirtualKey> = {}): NewVirtualKey {
  return { name, hash: hashOf(name), prefix: `sk-cvg-${name.slice(0, 4)}`, source: 'issued', ...overrides };
}

/** A key with every optional field set to a non-default value, so a dropped column shows up. */
export const governedKey: Omit<NewVirtualKey, 'name' | 'hash' | 'prefix'> = {
  source: 'config',
  expiresAt: 1_900_000_000_123,
  teamId: 'team_search',
  userId: 'user_ada',
  role: 'team-admin',
  allowRouteOverride: true,
  models: ['gpt-4o', 'mod/él'],
  processing: ['eu', 'eu-west-1'],
  limits: { rpm: 60, tpm: 100_000, concurrency: 4 },
  budget: { usdPerDay: 12.5, usdPerMonth: 300.25, mode: 'alert' },
  tags: { 'cost-centre': 'R&D 42', owner: 'équipe α' },
};
