import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let server: AdminTestServer;
let keyId: string;
beforeAll(async () => {
  server = await startAdminTestServer();
  keyId = (await server.call('POST', '/keys', { body: { name: 'validation-key' } })).body.id;
});
afterAll(() => server.close());

describe('admin API: bad input → 400 naming the field', () => {
  it.each([
    ['POST', '/keys', { name: 'k1', color: 'red' }, 'color'],
    ['POST', '/teams', { name: 't1', limits: { rpm: 10, burst: 5 } }, 'limits.burst'],
    ['POST', '/keys', { name: 'k2', budget: { usdPerDay: -5 } }, 'budget.usdPerDay'],
    ['POST', '/teams', { name: 't2', budget: { usdPerMonth: 0 } }, 'budget.usdPerMonth'],
    ['POST', '/teams', { name: 't3', budget: { mode: 'soft' } }, 'budget.mode'],
    ['POST', '/teams', { name: 't4', limits: { rpm: '10' } }, 'limits.rpm'],
    ['POST', '/teams', { name: 't5', limits: { concurrency: 1.5 } }, 'limits.concurrency'],
    ['POST', '/teams', { name: 5 }, 'name'],
    ['POST', '/teams', {}, 'name'],
    ['POST', '/teams', { name: 't6', models: ['gpt-4o', 7] }, 'models[1]'],
    ['POST', '/teams', { name: 't7', tags: { owner: 1 } }, 'tags.owner'],
    ['POST', '/keys', { name: 'k3', role: 'superuser' }, 'role'],
    ['POST', '/keys', { name: 'k4', expiresInDays: 0 }, 'expiresInDays'],
    ['POST', '/keys', { name: 'k5', expiresAt: 'next week' }, 'expiresAt'],
    ['POST', '/keys', { name: 'k6', allowRouteOverride: 'yes' }, 'allowRouteOverride'],
    ['POST', '/users', { email: 'not-an-email' }, 'email'],
    ['PATCH', '/keys/{key}', { hash: 'abc' }, 'hash'],
    ['PATCH', '/keys/{key}', { teamId: 'team_x' }, 'teamId'],
    ['POST', '/keys/{key}/rotate', { overlapSeconds: -1 }, 'overlapSeconds'],
    ['POST', '/keys/{key}/revoke', { force: true }, 'force'],
  ])('%s %s %j → param %s', async (method, path, body, param) => {
    const response = await server.call(method, path.replace('{key}', keyId), { body });
    expect(response.status, response.text).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'invalid_request',
      type: 'invalid_request_error',
      param,
    });
    expect(response.body.error.issues[0].path).toBe(param);
    expect(response.headers.get('x-converge-error-code')).toBe('invalid_request');
  });

  it('lists every issue, first one in `param`', async () => {
    const response = await server.call('POST', '/teams', {
      body: { name: '', limits: { rpm: -1 }, budget: { usdPerDay: -2 }, extra: true },
    });
    expect(response.body.error.param).toBe('name');
    expect(response.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'name',
      'limits.rpm',
      'budget.usdPerDay',
      'extra',
    ]);
  });

  it('refuses a duplicate live key name with 400 duplicate_name on `name`', async () => {
    const response = await server.call('POST', '/keys', { body: { name: 'validation-key' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'duplicate_name', param: 'name' });
  });

  it('answers malformed JSON with invalid_json and a non-object with invalid_request', async () => {
    const broken = await server.call('POST', '/teams', { rawBody: '{"name": ' });
    expect([broken.status, broken.body.error.code, broken.body.error.param]).toEqual([
      400,
      'invalid_json',
      null,
    ]);
    const array = await server.call('POST', '/teams', { body: [{ name: 'x' }] });
    expect([array.status, array.body.error.code, array.body.error.param]).toEqual([
      400,
      'invalid_request',
      null,
    ]);
  });

  it('answers unknown paths with 404 and wrong methods with 405, in the admin error shape', async () => {
    const missing = await server.call('GET', '/widgets');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const wrongMethod = await server.call('PUT', `/teams/team_1`, { body: {} });
    expect([wrongMethod.status, wrongMethod.body.error.code]).toEqual([405, 'method_not_allowed']);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it('creates nothing and calls onChange never when the input is refused', async () => {
    const before = server.changes();
    const teams = (await server.call('GET', '/teams')).body.total;
    await server.call('POST', '/teams', { body: { name: 'never', budget: { usdPerDay: -1 } } });
    expect((await server.call('GET', '/teams')).body.total).toBe(teams);
    expect(server.changes()).toBe(before);
  });
});
