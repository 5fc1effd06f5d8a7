import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let server: AdminTestServer;
let teamId: string;
let otherTeamId: string;
beforeAll(async () => {
  server = await startAdminTestServer();
  teamId = (await server.call('POST', '/teams', { body: { name: 'users-team' } })).body.id;
  otherTeamId = (await server.call('POST', '/teams', { body: { name: 'users-other' } })).body.id;
});
afterAll(() => server.close());

describe('admin API: users', () => {
  it('creates, reads, lists (per team), updates and deletes a user', async () => {
    const created = await server.call('POST', '/users', {
      body: { email: 'ada@example.com', displayName: 'Ada', teamId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'ada@example.com',
      displayName: 'Ada',
      teamId,
      role: 'member',
    });
    const id: string = created.body.id;

    expect((await server.call('GET', `/users/${id}`)).body).toEqual(created.body);
    const inTeam = await server.call('GET', `/users?teamId=${teamId}`);
    expect(inTeam.body.data.map((user: { id: string }) => user.id)).toEqual([id]);
    expect((await server.call('GET', `/users?teamId=${otherTeamId}`)).body.total).toBe(0);

    const moved = await server.call('PATCH', `/users/${id}`, {
      body: { teamId: otherTeamId, role: 'team-admin', displayName: null },
    });
    expect(moved.body).toMatchObject({ teamId: otherTeamId, role: 'team-admin', displayName: null });

    expect((await server.call('DELETE', `/users/${id}`)).status).toBe(204);
    expect((await server.call('GET', `/users/${id}`)).status).toBe(404);
  });

  it('refuses a duplicate email, a member without a team and an unknown team', async () => {
    await server.call('POST', '/users', { body: { email: 'grace@example.com', teamId } });
    const duplicate = await server.call('POST', '/users', { body: { email: 'grace@example.com', teamId } });
    expect([duplicate.status, duplicate.body.error.code, duplicate.body.error.param]).toEqual([
      400,
      'duplicate_name',
      'email',
    ]);
    const teamless = await server.call('POST', '/users', { body: { email: 'nobody@example.com' } });
    expect([teamless.status, teamless.body.error.param]).toEqual([400, 'teamId']);
    const unknown = await server.call('POST', '/users', {
      body: { email: 'x@example.com', teamId: 'team_nope' },
    });
    expect([unknown.status, unknown.body.error.param]).toEqual([400, 'teamId']);
    const admin = await server.call('POST', '/users', { body: { email: 'root@example.com', role: 'admin' } });
    expect(admin.body).toMatchObject({ teamId: null, role: 'admin' });
  });

  it("revokes a deleted user's keys and caps their roles when the user is demoted", async () => {
    const user = (
      await server.call('POST', '/users', { body: { email: 'lin@example.com', teamId, role: 'team-admin' } })
    ).body;
    const adminKey = await server.call('POST', '/keys', {
      body: { name: 'lin-admin', userId: user.id, role: 'team-admin' },
    });
    expect(adminKey.body).toMatchObject({ teamId, userId: user.id, role: 'team-admin' });
    const tooHigh = await server.call('POST', '/keys', {
      body: { name: 'lin-root', userId: user.id, role: 'admin' },
    });
    expect([tooHigh.status, tooHigh.body.error.param]).toEqual([400, 'role']);

    await server.call('PATCH', `/users/${user.id}`, { body: { role: 'member' } });
    expect((await server.call('GET', `/keys/${adminKey.body.id}`)).body.role).toBe('member');

    await server.call('DELETE', `/users/${user.id}`);
    expect((await server.call('GET', `/keys/${adminKey.body.id}`)).body.state).toBe('revoked');
    expect(await server.resolver.resolve(adminKey.body.secret)).toBeUndefined();
  });

  it("moves a user's keys with the user to another team, and the request path sees the new team", async () => {
    const user = (await server.call('POST', '/users', { body: { email: 'kai@example.com', teamId } })).body;
    const key = (await server.call('POST', '/keys', { body: { name: 'kai-key', userId: user.id } })).body;
    expect(key.teamId).toBe(teamId);
    expect((await server.resolver.resolve(key.secret))?.teamId).toBe(teamId);

    await server.call('PATCH', `/users/${user.id}`, { body: { teamId: otherTeamId } });
    expect((await server.call('GET', `/keys/${key.id}`)).body.teamId).toBe(otherTeamId);
    expect((await server.resolver.resolve(key.secret))?.teamId).toBe(otherTeamId);
    // The old team's listing no longer shows it; the new team's does.
    const listed = async (team: string) =>
      (await server.call('GET', `/keys?teamId=${team}`)).body.data.map((entry: { id: string }) => entry.id);
    expect(await listed(teamId)).not.toContain(key.id);
    expect(await listed(otherTeamId)).toContain(key.id);
  });
});
