import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let server: AdminTestServer;
let teamA: string;
let teamB: string;
let teamAdmin: string;
let operations: { method: string; path: string }[];

beforeAll(async () => {
  server = await startAdminTestServer();
  teamA = (await server.call('POST', '/teams', { body: { name: 'access-a', limits: { rpm: 10 } } })).body.id;
  teamB = (await server.call('POST', '/teams', { body: { name: 'access-b' } })).body.id;
  teamAdmin = (await server.seedKey({ role: 'team-admin', teamId: teamA, name: 'lead-a' })).secret;
  const document = (await server.call('GET', '/openapi.json', { key: null })).body;
  operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, item]) =>
      Object.keys(item)
        .filter(() => !path.endsWith('/openapi.json'))
        .map((method) => ({
          method: method.toUpperCase(),
          path: path.replace('/admin/v1', '').replace(/\{[^}]+\}/g, 'placeholder'),
        })),
  );
});
afterAll(() => server.close());

async function expectEverywhere(key: string | null, status: number, code: string): Promise<void> {
  expect(operations.length).toBeGreaterThan(20);
  for (const { method, path } of operations) {
    const response = await server.call(method, path, { key, body: method === 'GET' ? undefined : {} });
    expect([response.status, response.body.error.code], `${method} ${path}`).toEqual([status, code]);
  }
}

describe('admin API: who may call', () => {
  it('401 authentication_required without a key, on every endpoint (the document needs none)', async () => {
    await expectEverywhere(null, 401, 'authentication_required');
    expect((await server.call('GET', '/openapi.json', { key: null })).status).toBe(200);
  });

  it('401 invalid_api_key for an unknown, revoked or expired key', async () => {
    await expectEverywhere('sk-cvg-not-a-real-key', 401, 'invalid_api_key');
    const revoked = await server.seedKey({ role: 'admin' });
    expect((await server.call('GET', '/me', { key: revoked.secret })).status).toBe(200);
    await server.call('POST', `/keys/${revoked.id}/revoke`);
    expect((await server.call('GET', '/me', { key: revoked.secret })).status).toBe(401);
    const expired = await server.seedKey({ role: 'admin', expiresAt: Date.now() - 1000 });
    const response = await server.call('GET', '/me', { key: expired.secret });
    expect([response.status, response.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
  });

  it('403 permission_denied for a member key on every endpoint', async () => {
    const member = await server.seedKey({ role: 'member', teamId: teamA });
    await expectEverywhere(member.secret, 403, 'permission_denied');
  });

  it('accepts the master key and admin keys, as Bearer or x-api-key', async () => {
    const me = await server.call('GET', '/me', { key: null, headers: { 'x-api-key': server.masterKey } });
    expect(me.body).toMatchObject({ via: 'master-key', role: 'admin', keyId: null });
    const admin = await server.seedKey({ role: 'admin', name: 'ops' });
    const viaKey = await server.call('GET', '/me', { key: admin.secret });
    expect(viaKey.body).toMatchObject({ via: 'virtual-key', role: 'admin', keyId: admin.id, keyName: 'ops' });
    expect(
      (await server.call('POST', '/teams', { key: admin.secret, body: { name: 'made-by-key' } })).status,
    ).toBe(201);
  });
});

describe('admin API: a team-admin is confined to its team', () => {
  it('reads its own team only, and may change only its tags', async () => {
    const me = await server.call('GET', '/me', { key: teamAdmin });
    expect(me.body).toMatchObject({
      role: 'team-admin',
      teamId: teamA,
      team: { id: teamA, name: 'access-a' },
    });
    const teams = await server.call('GET', '/teams', { key: teamAdmin });
    expect(teams.body.data.map((team: { id: string }) => team.id)).toEqual([teamA]);
    expect((await server.call('GET', `/teams/${teamB}`, { key: teamAdmin })).status).toBe(404);
    expect(
      (await server.call('PATCH', `/teams/${teamB}`, { key: teamAdmin, body: { tags: {} } })).status,
    ).toBe(404);

    const limits = await server.call('PATCH', `/teams/${teamA}`, {
      key: teamAdmin,
      body: { limits: { rpm: 1000 } },
    });
    expect([limits.status, limits.body.error.code, limits.body.error.param]).toEqual([
      403,
      'permission_denied',
      'limits',
    ]);
    const budget = await server.call('PATCH', `/teams/${teamA}`, {
      key: teamAdmin,
      body: { budget: { usdPerDay: 1 } },
    });
    expect(budget.status).toBe(403);
    const tags = await server.call('PATCH', `/teams/${teamA}`, {
      key: teamAdmin,
      body: { tags: { owner: 'a' } },
    });
    expect([tags.status, tags.body.limits]).toEqual([200, { rpm: 10 }]);
    expect((await server.call('POST', '/teams', { key: teamAdmin, body: { name: 'mine' } })).status).toBe(
      403,
    );
    expect((await server.call('DELETE', `/teams/${teamA}`, { key: teamAdmin })).status).toBe(403);
  });

  it('manages keys of its team, never admin keys nor another team', async () => {
    const own = await server.call('POST', '/keys', { key: teamAdmin, body: { name: 'a-service' } });
    expect([own.status, own.body.teamId]).toEqual([201, teamA]);
    const deputy = await server.call('POST', '/keys', {
      key: teamAdmin,
      body: { name: 'a-deputy', role: 'team-admin' },
    });
    expect(deputy.status).toBe(201);
    const admin = await server.call('POST', '/keys', {
      key: teamAdmin,
      body: { name: 'a-root', role: 'admin' },
    });
    expect([admin.status, admin.body.error.code, admin.body.error.param]).toEqual([
      403,
      'permission_denied',
      'role',
    ]);
    const elsewhere = await server.call('POST', '/keys', {
      key: teamAdmin,
      body: { name: 'b-svc', teamId: teamB },
    });
    expect([elsewhere.status, elsewhere.body.error.param]).toEqual([403, 'teamId']);
    const escalate = await server.call('PATCH', `/keys/${own.body.id}`, {
      key: teamAdmin,
      body: { role: 'admin' },
    });
    expect(escalate.status).toBe(403);

    const keyB = await server.call('POST', '/keys', { body: { name: 'b-key', teamId: teamB } });
    for (const [method, path] of [
      ['GET', `/keys/${keyB.body.id}`],
      ['PATCH', `/keys/${keyB.body.id}`],
      ['POST', `/keys/${keyB.body.id}/rotate`],
      ['POST', `/keys/${keyB.body.id}/revoke`],
      ['POST', `/keys/${keyB.body.id}/aws-key-pairs`],
    ] as const) {
      const response = await server.call(method, path, {
        key: teamAdmin,
        body: method === 'GET' ? undefined : {},
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const listed = await server.call('GET', '/keys', { key: teamAdmin });
    expect(listed.body.data.every((key: { teamId: string }) => key.teamId === teamA)).toBe(true);
    expect((await server.call('GET', `/keys?teamId=${teamB}`, { key: teamAdmin })).status).toBe(403);

    const adminInTeam = await server.call('POST', '/keys', {
      body: { name: 'a-admin', teamId: teamA, role: 'admin' },
    });
    const rotate = await server.call('POST', `/keys/${adminInTeam.body.id}/rotate`, {
      key: teamAdmin,
      body: {},
    });
    expect([rotate.status, rotate.body.error.code]).toEqual([403, 'permission_denied']);
  });

  it('manages users of its team: no admins, no moving them to another team', async () => {
    const user = await server.call('POST', '/users', { key: teamAdmin, body: { email: 'dev@a.example' } });
    expect([user.status, user.body.teamId]).toEqual([201, teamA]);
    const admin = await server.call('POST', '/users', {
      key: teamAdmin,
      body: { email: 'boss@a.example', role: 'admin' },
    });
    expect(admin.status).toBe(403);
    const foreign = await server.call('POST', '/users', {
      key: teamAdmin,
      body: { email: 'x@b.example', teamId: teamB },
    });
    expect(foreign.status).toBe(403);
    const move = await server.call('PATCH', `/users/${user.body.id}`, {
      key: teamAdmin,
      body: { teamId: teamB },
    });
    expect([move.status, move.body.error.param]).toEqual([403, 'teamId']);

    const userB = await server.call('POST', '/users', { body: { email: 'b@b.example', teamId: teamB } });
    expect((await server.call('GET', `/users/${userB.body.id}`, { key: teamAdmin })).status).toBe(404);
    expect((await server.call('DELETE', `/users/${userB.body.id}`, { key: teamAdmin })).status).toBe(404);
    const listed = await server.call('GET', '/users', { key: teamAdmin });
    expect(listed.body.data.map((entry: { email: string }) => entry.email)).toEqual(['dev@a.example']);
    const keyForB = await server.call('POST', '/keys', {
      key: teamAdmin,
      body: { name: 'x', userId: userB.body.id },
    });
    expect([keyForB.status, keyForB.body.error.param]).toEqual([400, 'userId']);
  });
});
