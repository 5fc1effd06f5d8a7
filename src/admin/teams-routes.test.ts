import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let server: AdminTestServer;
beforeAll(async () => {
  server = await startAdminTestServer();
});
afterAll(() => server.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('admin API: teams', () => {
  it('creates, reads, lists, updates and deletes a team', async () => {
    const before = server.changes();
    const created = await server.call('POST', '/teams', {
      body: {
        name: 'research',
        models: ['gpt-4o'],
        processing: ['eu'],
        limits: { rpm: 60, concurrency: 4 },
        budget: { usdPerDay: 25, mode: 'alert' },
        tags: { costCentre: 'R-42' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'research',
      models: ['gpt-4o'],
      processing: ['eu'],
      limits: { rpm: 60, concurrency: 4 },
      budget: { usdPerDay: 25, mode: 'alert' },
      tags: { costCentre: 'R-42' },
    });
    expect(created.body.createdAt).toMatch(ISO);
    expect(created.body).not.toHaveProperty('deletedAt');
    expect(server.changes()).toBe(before + 1);
    const id: string = created.body.id;

    const read = await server.call('GET', `/teams/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const updated = await server.call('PATCH', `/teams/${id}`, {
      body: { name: 'research-eu', limits: { tpm: 100_000 }, models: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'research-eu', limits: { tpm: 100_000 }, models: null });
    expect(updated.body.budget).toEqual({ usdPerDay: 25, mode: 'alert' });

    const listed = await server.call('GET', '/teams');
    expect(listed.body.data.map((team: { id: string }) => team.id)).toContain(id);

    expect((await server.call('DELETE', `/teams/${id}`)).status).toBe(204);
    expect((await server.call('GET', `/teams/${id}`)).status).toBe(404);
    const after = await server.call('GET', '/teams');
    expect(after.body.data.map((team: { id: string }) => team.id)).not.toContain(id);
  });

  it('paginates with limit and offset, reporting the total', async () => {
    const names = ['page-a', 'page-b', 'page-c'];
    for (const name of names) await server.call('POST', '/teams', { body: { name } });
    const all = await server.call('GET', '/teams?limit=1000');
    const page = await server.call('GET', '/teams?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: all.body.total, limit: 2, offset: 1 });
    expect(page.body.data).toEqual(all.body.data.slice(1, 3));
  });

  it('refuses a duplicate name with 400 duplicate_name on `name`', async () => {
    await server.call('POST', '/teams', { body: { name: 'platform' } });
    const again = await server.call('POST', '/teams', { body: { name: 'platform' } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({
      code: 'duplicate_name',
      param: 'name',
      type: 'invalid_request_error',
    });
    expect(again.headers.get('x-converge-error-code')).toBe('duplicate_name');

    const other = await server.call('POST', '/teams', { body: { name: 'platform-2' } });
    const rename = await server.call('PATCH', `/teams/${other.body.id}`, { body: { name: 'platform' } });
    expect([rename.status, rename.body.error.code, rename.body.error.param]).toEqual([
      400,
      'duplicate_name',
      'name',
    ]);
  });

  it('answers 404 not_found for unknown ids on every team route', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { tags: {} }],
      ['DELETE', undefined],
    ] as const) {
      const response = await server.call(method, '/teams/team_missing', { body });
      expect([response.status, response.body.error.code, response.body.error.type]).toEqual([
        404,
        'not_found',
        'not_found_error',
      ]);
    }
  });
});
