import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATER } from './key-store-fixtures.js';
import { DuplicateKeyError, type TeamStore, UnknownKeyError, type UserStore } from './types.js';

/** Opens fresh, empty stores sharing one backend (users reference teams). */
export type UserStoreFactory = () => Promise<{
  teams: TeamStore;
  users: UserStore;
  close?: () => Promise<void> | void;
}>;

/**
 * The behaviour every `UserStore` backend must share.
 *
 * @example
 * describeUserStoreConformance('MemoryUserStore', async () => {
 *   const teams = new MemoryTeamStore();
 *   return { teams, users: new MemoryUserStore(teams) };
 * });
 */
export function describeUserStoreConformance(name: string, factory: UserStoreFactory): void {
  describe(`${name} (UserStore conformance)`, () => {
    let teams: TeamStore;
    let users: UserStore;
    let close: (() => Promise<void> | void) | undefined;
    let teamId: string;

    beforeEach(async () => {
      ({ teams, users, close } = await factory());
      teamId = (await teams.insert({ name: 'search' })).id;
    });
    afterEach(async () => {
      await close?.();
    });

    it('inserts a user with a new id, the current time, the email as given and no display name', async () => {
      const before = Date.now();
      const user = await users.insert({ email: 'Ada@Example.com', teamId, role: 'member' });
      const after = Date.now();
      expect(user).toEqual({
        id: expect.any(String),
        email: 'Ada@Example.com',
        displayName: null,
        teamId,
        role: 'member',
        createdAt: expect.any(Number),
        updatedAt: user.createdAt,
        deletedAt: null,
      });
      expect(user.createdAt).toBeGreaterThanOrEqual(before);
      expect(user.createdAt).toBeLessThanOrEqual(after);
      expect(await users.findById(user.id)).toEqual(user);
      expect(await users.findById('user_missing')).toBeUndefined();
    });

    it('round-trips a display name, a null team and every role', async () => {
      const admin = await users.insert({
        email: 'root@example.com',
        displayName: 'Zoë Ångström',
        teamId: null,
        role: 'admin',
      });
      const lead = await users.insert({ email: 'lead@example.com', teamId, role: 'team-admin' });
      expect(await users.findById(admin.id)).toMatchObject({
        displayName: 'Zoë Ångström',
        teamId: null,
        role: 'admin',
      });
      expect(await users.findById(lead.id)).toMatchObject({ teamId, role: 'team-admin' });
    });

    it('finds a user by email in any case, Unicode included', async () => {
      const user = await users.insert({ email: 'Élodie.Ada@Example.COM', teamId, role: 'member' });
      expect(await users.findByEmail('élodie.ada@example.com')).toEqual(user);
      expect(await users.findByEmail('ÉLODIE.ADA@EXAMPLE.COM')).toEqual(user);
      expect(await users.findByEmail('elodie.ada@example.com')).toBeUndefined();
      expect(await users.findByEmail('missing@example.com')).toBeUndefined();
    });

    it('rejects a second live user with the same email in any case and writes nothing', async () => {
      await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      await expect(users.insert({ email: 'ADA@example.com', teamId: null, role: 'admin' })).rejects.toThrow(
        DuplicateKeyError,
      );
      expect(await users.list()).toHaveLength(1);
    });

    it('rejects a team that does not exist or is deleted, and writes nothing', async () => {
      await expect(
        users.insert({ email: 'a@example.com', teamId: 'team_missing', role: 'member' }),
      ).rejects.toThrow(UnknownKeyError);
      const gone = await teams.insert({ name: 'gone' });
      await teams.delete(gone.id, 5);
      await expect(users.insert({ email: 'a@example.com', teamId: gone.id, role: 'member' })).rejects.toThrow(
        UnknownKeyError,
      );
      expect(await users.list()).toEqual([]);
      expect(await users.findByEmail('a@example.com')).toBeUndefined();
    });

    it('update applies only the fields given and stamps updatedAt', async () => {
      const other = await teams.insert({ name: 'ads' });
      const user = await users.insert({
        email: 'ada@example.com',
        displayName: 'Ada',
        teamId,
        role: 'member',
      });
      const moved = await users.update(user.id, { teamId: other.id, role: undefined }, LATER);
      expect(moved).toEqual({ ...user, teamId: other.id, updatedAt: LATER });
      const cleared = await users.update(user.id, { displayName: null, role: 'team-admin' }, LATER + 1);
      expect(cleared).toEqual({
        ...user,
        teamId: other.id,
        displayName: null,
        role: 'team-admin',
        updatedAt: LATER + 1,
      });
      const admin = await users.update(user.id, { teamId: null, role: 'admin' }, LATER + 2);
      expect(admin).toMatchObject({ teamId: null, role: 'admin' });
      expect(await users.findById(user.id)).toEqual(admin);
    });

    it('update ignores fields it may not change and stamps the current time when none is given', async () => {
      const user = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      const patch = { displayName: 'Ada', email: 'eve@example.com', id: 'user_forged', createdAt: 1 };
      const before = Date.now();
      const updated = await users.update(user.id, patch);
      expect(updated).toEqual({ ...user, displayName: 'Ada', updatedAt: expect.any(Number) });
      expect(updated?.updatedAt).toBeGreaterThanOrEqual(before);
      expect(updated?.updatedAt).toBeLessThanOrEqual(Date.now());
    });

    it('update refuses a team that does not exist or is deleted and changes nothing', async () => {
      const user = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      await expect(users.update(user.id, { teamId: 'team_missing', role: 'admin' }, LATER)).rejects.toThrow(
        UnknownKeyError,
      );
      const gone = await teams.insert({ name: 'gone' });
      await teams.delete(gone.id, 5);
      await expect(users.update(user.id, { teamId: gone.id }, LATER)).rejects.toThrow(UnknownKeyError);
      expect(await users.findById(user.id)).toEqual(user);
    });

    it('update answers undefined for an unknown or deleted user', async () => {
      expect(await users.update('user_missing', { role: 'admin' }, LATER)).toBeUndefined();
      const user = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      await users.delete(user.id, 5);
      expect(await users.update(user.id, { role: 'admin' }, LATER)).toBeUndefined();
      expect(await users.findById(user.id)).toEqual({ ...user, deletedAt: 5, updatedAt: 5 });
    });

    it('soft-deletes once; the email can then be reused and findByEmail prefers the live user', async () => {
      const first = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      expect(await users.delete(first.id, 10)).toBe(true);
      expect(await users.delete(first.id, 11)).toBe(false);
      expect(await users.delete('user_missing', 11)).toBe(false);
      const deleted = { ...first, deletedAt: 10, updatedAt: 10 };
      expect(await users.findById(first.id)).toEqual(deleted);
      expect(await users.findByEmail('ada@example.com')).toEqual(deleted);
      expect(await users.list()).toEqual([]);
      const second = await users.insert({ email: 'ADA@example.com', teamId: null, role: 'admin' });
      expect(await users.findByEmail('ada@example.com')).toEqual(second);
      await users.delete(second.id, 20);
      expect(await users.findByEmail('ada@example.com')).toEqual({ ...second, deletedAt: 20, updatedAt: 20 });
    });

    it('deletes at the current time when none is given', async () => {
      const user = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      const before = Date.now();
      await users.delete(user.id);
      const deleted = await users.findById(user.id);
      expect(deleted?.deletedAt).toBeGreaterThanOrEqual(before);
      expect(deleted?.deletedAt).toBeLessThanOrEqual(Date.now());
      expect(deleted?.updatedAt).toBe(deleted?.deletedAt);
    });

    it('lists live users oldest first, optionally of one team', async () => {
      const ads = await teams.insert({ name: 'ads' });
      const emails = ['c@x.io', 'a@x.io', 'b@x.io', 'e@x.io', 'd@x.io'];
      const created = [];
      for (const [index, email] of emails.entries()) {
        created.push(
          await users.insert({ email, teamId: index % 2 === 0 ? teamId : ads.id, role: 'member' }),
        );
      }
      await users.delete(created[2]!.id, 1);
      const emailsOf = (list: { email: string }[]) => list.map((user) => user.email);
      expect(emailsOf(await users.list())).toEqual(['c@x.io', 'a@x.io', 'e@x.io', 'd@x.io']);
      expect(emailsOf(await users.list({ teamId }))).toEqual(['c@x.io', 'd@x.io']);
      expect(emailsOf(await users.list({ teamId: ads.id }))).toEqual(['a@x.io', 'e@x.io']);
      expect(await users.list({ teamId: 'team_missing' })).toEqual([]);
      expect(emailsOf(await users.list({}))).toHaveLength(4);
    });

    it('hands out copies', async () => {
      const user = await users.insert({ email: 'ada@example.com', teamId, role: 'member' });
      user.role = 'admin';
      const [listed] = await users.list();
      if (listed !== undefined) listed.email = 'eve@example.com';
      const found = await users.findById(user.id);
      if (found !== undefined) found.teamId = null;
      expect(await users.findById(user.id)).toMatchObject({
        email: 'ada@example.com',
        teamId,
        role: 'member',
      });
    });

    it('lists nothing when empty', async () => {
      expect(await users.list()).toEqual([]);
    });
  });
}
