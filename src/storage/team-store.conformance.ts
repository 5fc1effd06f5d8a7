import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATER } from './key-store-fixtures.js';
import { DuplicateKeyError, type NewTeam, type TeamStore } from './types.js';

/** Opens a fresh, empty store for one test; `close` releases it afterwards. */
export type TeamStoreFactory = () => Promise<{ store: TeamStore; close?: () => Promise<void> | void }>;

/** A team with every policy field set to a non-default value, so a dropped column shows up. */
const governed: NewTeam = {
  name: 'search',
  models: ['gpt-4o', 'claude-sonnet'],
  processing: ['eu'],
  limits: { rpm: 600, tpm: 1_000_000, concurrency: 20 },
  budget: { usdPerDay: 50, usdPerMonth: 1000.5, mode: 'hard' },
  tags: { 'cost-centre': 'CC-7', owner: 'Zoë' },
};

/**
 * The behaviour every `TeamStore` backend must share.
 *
 * @example
 * describeTeamStoreConformance('MemoryTeamStore', async () => ({ store: new MemoryTeamStore() }));
 */
export function describeTeamStoreConformance(name: string, factory: TeamStoreFactory): void {
  describe(`${name} (TeamStore conformance)`, () => {
    let store: TeamStore;
    let close: (() => Promise<void> | void) | undefined;

    beforeEach(async () => {
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      await close?.();
    });

    it('inserts a team with a new id, the current time and the policy defaults', async () => {
      const before = Date.now();
      const team = await store.insert({ name: 'research' });
      const after = Date.now();
      expect(team).toEqual({
        id: expect.any(String),
        name: 'research',
        models: null,
        processing: null,
        limits: {},
        budget: {},
        tags: {},
        createdAt: expect.any(Number),
        updatedAt: team.createdAt,
        deletedAt: null,
      });
      expect(team.createdAt).toBeGreaterThanOrEqual(before);
      expect(team.createdAt).toBeLessThanOrEqual(after);
      expect((await store.insert({ name: 'other' })).id).not.toBe(team.id);
    });

    it('round-trips every policy field and finds the team by id and by name', async () => {
      const team = await store.insert(governed);
      expect(team).toMatchObject(governed);
      expect(await store.findById(team.id)).toEqual(team);
      expect(await store.findByName('search')).toEqual(team);
      expect(await store.list()).toEqual([team]);
      expect(await store.findById('team_missing')).toBeUndefined();
      expect(await store.findByName('missing')).toBeUndefined();
    });

    it('keeps empty lists apart from null', async () => {
      const team = await store.insert({ name: 'locked', models: [], processing: [] });
      expect(await store.findById(team.id)).toMatchObject({ models: [], processing: [] });
    });

    it('rejects a second live team with the same name and writes nothing; names are case-sensitive', async () => {
      await store.insert({ name: 'search' });
      await expect(store.insert({ name: 'search', models: ['x'] })).rejects.toThrow(DuplicateKeyError);
      expect(await store.list()).toHaveLength(1);
      const upper = await store.insert({ name: 'Search' });
      expect(await store.findByName('Search')).toEqual(upper);
    });

    it('update applies only the fields given, replaces objects whole and stamps updatedAt', async () => {
      const team = await store.insert(governed);
      const updated = await store.update(
        team.id,
        { name: 'search-2', limits: { rpm: 1 }, models: null, tags: undefined },
        LATER,
      );
      const expected = { ...team, name: 'search-2', limits: { rpm: 1 }, models: null, updatedAt: LATER };
      expect(updated).toEqual(expected);
      expect(await store.findById(team.id)).toEqual(expected);
      expect(await store.findByName('search')).toBeUndefined();
      expect(await store.findByName('search-2')).toEqual(expected);
    });

    it('update ignores fields it may not change and stamps the current time when none is given', async () => {
      const team = await store.insert({ name: 'search' });
      const patch = { budget: { usdPerDay: 1 }, id: 'team_forged', createdAt: 1, deletedAt: 2 };
      const before = Date.now();
      const updated = await store.update(team.id, patch);
      expect(updated).toEqual({ ...team, budget: { usdPerDay: 1 }, updatedAt: expect.any(Number) });
      expect(updated?.updatedAt).toBeGreaterThanOrEqual(before);
      expect(updated?.updatedAt).toBeLessThanOrEqual(Date.now());
    });

    it('update refuses a name another live team holds and changes nothing', async () => {
      const search = await store.insert({ name: 'search' });
      const ads = await store.insert({ name: 'ads' });
      await expect(store.update(search.id, { name: 'ads', tags: { a: 'b' } }, LATER)).rejects.toThrow(
        DuplicateKeyError,
      );
      expect(await store.findById(search.id)).toEqual(search);
      expect((await store.update(search.id, { name: 'search' }, LATER))?.name).toBe('search');
      await store.delete(ads.id, 5);
      expect((await store.update(search.id, { name: 'ads' }, LATER + 1))?.name).toBe('ads');
    });

    it('update answers undefined for an unknown or deleted team', async () => {
      expect(await store.update('team_missing', { name: 'x' }, LATER)).toBeUndefined();
      const team = await store.insert({ name: 'gone' });
      await store.delete(team.id, 5);
      expect(await store.update(team.id, { name: 'back' }, LATER)).toBeUndefined();
      expect(await store.findById(team.id)).toEqual({ ...team, deletedAt: 5, updatedAt: 5 });
    });

    it('soft-deletes once: the team leaves list() but stays findable by id', async () => {
      const team = await store.insert({ name: 'gone' });
      const kept = await store.insert({ name: 'kept' });
      expect(await store.delete(team.id, LATER)).toBe(true);
      expect(await store.delete(team.id, LATER + 1)).toBe(false);
      expect(await store.delete('team_missing', LATER)).toBe(false);
      const deleted = { ...team, deletedAt: LATER, updatedAt: LATER };
      expect(await store.findById(team.id)).toEqual(deleted);
      expect(await store.findByName('gone')).toEqual(deleted);
      expect(await store.list()).toEqual([kept]);
    });

    it('deletes at the current time when none is given', async () => {
      const team = await store.insert({ name: 'gone' });
      const before = Date.now();
      await store.delete(team.id);
      const deleted = await store.findById(team.id);
      expect(deleted?.deletedAt).toBeGreaterThanOrEqual(before);
      expect(deleted?.deletedAt).toBeLessThanOrEqual(Date.now());
      expect(deleted?.updatedAt).toBe(deleted?.deletedAt);
    });

    it("lets a deleted team's name be reused; findByName prefers the live team, else the newest", async () => {
      const first = await store.insert({ name: 'search' });
      await store.delete(first.id, 10);
      const second = await store.insert({ name: 'search' });
      expect(second.id).not.toBe(first.id);
      expect(await store.findByName('search')).toEqual(second);
      await store.delete(second.id, 20);
      expect(await store.findByName('search')).toEqual({ ...second, deletedAt: 20, updatedAt: 20 });
    });

    it('lists live teams, oldest first', async () => {
      const names = ['c', 'a', 'b', 'e', 'd'];
      const teams = [];
      for (const teamName of names) teams.push(await store.insert({ name: teamName }));
      await store.delete(teams[1]!.id, 1);
      expect((await store.list()).map((team) => team.name)).toEqual(['c', 'b', 'e', 'd']);
    });

    it('listUpdatedSince returns teams changed after the time (exclusive), deleted ones included', async () => {
      const a = await store.insert({ name: 'a' });
      const b = await store.insert({ name: 'b' });
      const c = await store.insert({ name: 'c' });
      const untouched = await store.insert({ name: 'untouched' });
      await store.update(b.id, { tags: { x: 'y' } }, LATER + 10);
      await store.delete(a.id, LATER + 20);
      await store.update(c.id, { models: ['m'] }, LATER + 20);
      const ids = async (since: number) => (await store.listUpdatedSince(since)).map((team) => team.id);
      // a and c changed at the same time: creation order breaks the tie.
      expect(await ids(LATER)).toEqual([b.id, a.id, c.id]);
      expect(await ids(LATER + 10)).toEqual([a.id, c.id]);
      expect(await ids(LATER + 20)).toEqual([]);
      expect(await ids(-1)).toEqual([untouched.id, b.id, a.id, c.id]);
      const [deleted] = await store.listUpdatedSince(LATER + 10);
      expect(deleted).toEqual({ ...a, deletedAt: LATER + 20, updatedAt: LATER + 20 });
    });

    it('hands out deep copies', async () => {
      const team = await store.insert(governed);
      team.limits.rpm = 1;
      team.models?.push('x');
      team.tags['owner'] = 'someone';
      const [listed] = await store.list();
      if (listed !== undefined) listed.budget.mode = 'alert';
      const found = await store.findById(team.id);
      if (found !== undefined) found.name = 'renamed';
      expect(await store.findById(team.id)).toMatchObject(governed);
    });

    it('lists nothing when empty', async () => {
      expect(await store.list()).toEqual([]);
      expect(await store.listUpdatedSince(-1)).toEqual([]);
    });
  });
}
