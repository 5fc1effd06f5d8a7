import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRow } from '../storage/types.js';
import { type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';
import { sumSummaryRows } from './usage-routes.js';

let server: AdminTestServer;
let teamA: string;
let teamB: string;
let teamAdminA: string;
const DAY = Date.parse('2026-03-01T00:00:00Z');

function row(index: number, fields: Partial<UsageRow>): UsageRow {
  return {
    requestId: `req-${index}`,
    createdAt: DAY + index * 3_600_000,
    keyId: 'key_a',
    keyName: 'a',
    teamId: null,
    dialect: 'openai',
    operation: 'chat',
    stream: false,
    modelRequested: 'gpt-4o',
    modelServed: 'gpt-4o',
    deployment: 'azure-eu',
    provider: 'azure-openai',
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.1,
    usageEstimated: false,
    latencyMs: 100,
    ttftMs: null,
    attempts: [],
    ...fields,
  };
}

beforeAll(async () => {
  server = await startAdminTestServer();
  teamA = (await server.call('POST', '/teams', { body: { name: 'usage-a' } })).body.id;
  teamB = (await server.call('POST', '/teams', { body: { name: 'usage-b' } })).body.id;
  teamAdminA = (await server.seedKey({ role: 'team-admin', teamId: teamA })).secret;
  await server.storage.usage.insertMany([
    row(0, { teamId: teamA, costUsd: 0.1 }),
    row(1, { teamId: teamA, costUsd: 0.2, modelRequested: 'claude-sonnet', provider: 'anthropic' }),
    row(2, { teamId: teamA, costUsd: null, status: 'error', httpStatus: 502, errorCode: 'upstream_error' }),
    row(3, { teamId: teamB, keyId: 'key_b', keyName: 'b', costUsd: 0.000000001 }),
    row(30, { teamId: teamB, keyId: 'key_b', keyName: 'b', costUsd: 1.7 }),
  ]);
});
afterAll(() => server.close());

describe('admin API: usage', () => {
  it('lists rows newest first with ISO timestamps, filters and pagination', async () => {
    const all = await server.call('GET', '/usage');
    expect(all.body).toMatchObject({ total: 5, limit: 100, offset: 0 });
    expect(all.body.data[0]).toMatchObject({
      requestId: 'req-30',
      createdAt: new Date(DAY + 30 * 3_600_000).toISOString(),
    });

    const page = await server.call('GET', '/usage?limit=2&offset=1');
    expect(page.body.data.map((entry: { requestId: string }) => entry.requestId)).toEqual(['req-3', 'req-2']);
    expect(page.body.total).toBe(5);

    const filtered = await server.call('GET', `/usage?teamId=${teamA}&model=gpt-4o&status=ok`);
    expect(filtered.body.data.map((entry: { requestId: string }) => entry.requestId)).toEqual(['req-0']);

    const since = new Date(DAY + 2 * 3_600_000).toISOString();
    const window = await server.call('GET', `/usage?since=${since}&until=${DAY + 4 * 3_600_000}`);
    expect(window.body.data.map((entry: { requestId: string }) => entry.requestId)).toEqual([
      'req-3',
      'req-2',
    ]);
  });

  it('summarizes per team, model and day, with totals that are the exact sums of the rows', async () => {
    const byTeam = await server.call('GET', '/usage/summary?by=team');
    expect(byTeam.status).toBe(200);
    const groups = Object.fromEntries(
      byTeam.body.data.map((entry: { group: string }) => [entry.group, entry]),
    );
    expect(groups[teamA]).toMatchObject({ requests: 3, succeeded: 2, costUsd: 0.3, inputTokens: 30 });
    expect(groups[teamB]).toMatchObject({ requests: 2, costUsd: 1.700000001 });
    expect(byTeam.body.totals).toMatchObject({
      requests: 5,
      succeeded: 4,
      inputTokens: 50,
      costUsd: 2.000000001,
    });

    const byDay = await server.call('GET', '/usage/summary?by=day');
    expect(byDay.body.data.map((entry: { group: string }) => entry.group).sort()).toEqual([
      '2026-03-01',
      '2026-03-02',
    ]);
    const byModel = await server.call('GET', `/usage/summary?by=model&teamId=${teamA}`);
    expect(byModel.body.totals.costUsd).toBe(0.3);
  });

  it('adds costs as nano-dollars, so 0.1 + 0.2 is 0.3', () => {
    const counters = {
      requests: 1,
      succeeded: 1,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    const rows = [0.1, 0.2].map((costUsd) => ({ group: null, label: null, ...counters, costUsd }));
    expect(sumSummaryRows(rows)).toMatchObject({ requests: 2, costUsd: 0.3 });
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it("confines a team-admin to its own team's rows, refusing another team's id", async () => {
    const own = await server.call('GET', '/usage', { key: teamAdminA });
    expect(own.body.total).toBe(3);
    expect(own.body.data.every((entry: { teamId: string }) => entry.teamId === teamA)).toBe(true);
    const summary = await server.call('GET', '/usage/summary?by=team', { key: teamAdminA });
    expect(summary.body.data.map((entry: { group: string }) => entry.group)).toEqual([teamA]);
    for (const path of [`/usage?teamId=${teamB}`, `/usage/summary?by=key&teamId=${teamB}`]) {
      const refused = await server.call('GET', path, { key: teamAdminA });
      expect([refused.status, refused.body.error.code, refused.body.data]).toEqual([
        403,
        'permission_denied',
        undefined,
      ]);
    }
    const otherKey = await server.call('GET', '/usage?keyId=key_b', { key: teamAdminA });
    expect(otherKey.body).toMatchObject({ total: 0, data: [] });
  });

  it('rejects bad filters with the parameter named', async () => {
    for (const [query, param] of [
      ['limit=1001', 'limit'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['since=yesterday', 'since'],
      ['status=great', 'status'],
      ['colour=red', 'colour'],
    ]) {
      const response = await server.call('GET', `/usage?${query}`);
      expect([response.status, response.body.error.param], query).toEqual([400, param]);
    }
    const missingBy = await server.call('GET', '/usage/summary');
    expect([missingBy.status, missingBy.body.error.param]).toEqual([400, 'by']);
  });
});
