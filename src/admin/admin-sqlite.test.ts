import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let dataDir: string;
let server: AdminTestServer;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'converge-admin-'));
  server = await startAdminTestServer({ storage: { type: 'sqlite', dataDir } });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('admin API over the SQLite store', () => {
  it('runs the whole lifecycle: team, user, key, rotation, AWS pair, usage, deletion', async () => {
    const team = await server.call('POST', '/teams', {
      body: { name: 'sql', limits: { rpm: 5 }, tags: { a: 'b' } },
    });
    expect(team.status, team.text).toBe(201);
    expect((await server.call('POST', '/teams', { body: { name: 'sql' } })).body.error.code).toBe(
      'duplicate_name',
    );

    const user = await server.call('POST', '/users', {
      body: { email: 'lead@sql.example', teamId: team.body.id, role: 'team-admin' },
    });
    expect(user.status, user.text).toBe(201);
    const sameEmail = await server.call('POST', '/users', {
      body: { email: 'LEAD@sql.example', teamId: team.body.id },
    });
    expect([sameEmail.status, sameEmail.body.error.code]).toEqual([400, 'duplicate_name']);

    const key = await server.call('POST', '/keys', {
      body: { name: 'lead-key', userId: user.body.id, role: 'team-admin', budget: { usdPerDay: 2 } },
    });
    expect([key.status, key.body.teamId]).toEqual([201, team.body.id]);
    const clash = await server.call('POST', '/keys', { body: { name: 'lead-key', teamId: team.body.id } });
    expect([clash.status, clash.body.error.param]).toEqual([400, 'name']);
    const patched = await server.call('PATCH', `/keys/${key.body.id}`, { body: { limits: { rpm: 3 } } });
    expect(patched.body.limits).toEqual({ rpm: 3 });

    const rotated = await server.call('POST', `/keys/${key.body.id}/rotate`, {
      body: { overlapSeconds: 60 },
    });
    expect(rotated.status, rotated.text).toBe(201);
    expect(await server.resolver.resolve(key.body.secret)).toMatchObject({ keyId: key.body.id });
    const me = await server.call('GET', '/me', { key: rotated.body.key.secret });
    expect(me.body).toMatchObject({ role: 'team-admin', teamId: team.body.id, keyId: rotated.body.key.id });

    const pair = await server.call('POST', `/keys/${rotated.body.key.id}/aws-key-pairs`);
    expect(pair.status, pair.text).toBe(201);
    expect((await server.call('GET', '/usage/summary?by=day')).body.totals.requests).toBe(0);
    expect((await server.call('GET', '/usage?since=2020-01-01T00:00:00Z')).body.total).toBe(0);

    expect((await server.call('DELETE', `/users/${user.body.id}`)).status).toBe(204);
    expect((await server.call('GET', `/keys/${rotated.body.key.id}`)).body.state).toBe('revoked');
    expect((await server.call('DELETE', `/teams/${team.body.id}`)).status).toBe(204);
  });
});
