import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../pipeline/auth/key-resolver.js';
import { ACCESS_KEY_ID_PATTERN } from '../security/generate-aws-key-pair.js';
import { type AdminResponse, type AdminTestServer, startAdminTestServer } from './start-admin-test-server.js';

let server: AdminTestServer;
let teamId: string;
beforeAll(async () => {
  server = await startAdminTestServer();
  teamId = (await server.call('POST', '/teams', { body: { name: 'keys-team' } })).body.id;
});
afterAll(() => server.close());

async function createKey(body: Record<string, unknown>): Promise<AdminResponse['body']> {
  const response = await server.call('POST', '/keys', { body: { teamId, ...body } });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

describe('admin API: keys', () => {
  it('shows the secret once: create returns it, reads and lists only the prefix, logs never', async () => {
    const created = await createKey({
      name: 'svc-search',
      models: ['gpt-4o', 'claude-sonnet'],
      processing: ['eu'],
      allowRouteOverride: true,
      limits: { rpm: 100 },
      budget: { usdPerMonth: 500 },
      tags: { owner: 'search' },
      expiresInDays: 30,
    });
    expect(created.secret).toMatch(/^sk-cvg-/);
    expect(created.prefix).toBe(created.secret.slice(0, 11));
    expect(created).toMatchObject({ state: 'active', teamId, role: 'member', allowRouteOverride: true });
    expect(Date.parse(String(created.expiresAt)) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(created).not.toHaveProperty('hash');

    const hash = hashKey(created.secret);
    const read = await server.call('GET', `/keys/${created.id}`);
    const listed = await server.call('GET', `/keys?teamId=${teamId}`);
    for (const text of [read.text, listed.text, server.logLines.join('\n')]) {
      expect(text).not.toContain(created.secret);
      expect(text).not.toContain(hash);
    }
    expect(read.body).toEqual({ ...created, secret: undefined, updatedAt: read.body.updatedAt });
    expect(listed.body.data.map((key: { id: string }) => key.id)).toContain(created.id);
    expect(await server.resolver.resolve(created.secret)).toMatchObject({ keyId: created.id, teamId });
  });

  it('takes expiresAt as an ISO date-time, refusing one in the past or given with expiresInDays', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await createKey({ name: 'expiring', expiresAt: at })).expiresAt).toBe(at);
    const past = await server.call('POST', '/keys', {
      body: { name: 'past', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect([past.status, past.body.error.param]).toEqual([400, 'expiresAt']);
    const both = await server.call('POST', '/keys', {
      body: { name: 'both', expiresAt: at, expiresInDays: 3 },
    });
    expect([both.status, both.body.error.param]).toEqual([400, 'expiresInDays']);
  });

  it('updates a key and refuses a name another live key has', async () => {
    const key = await createKey({ name: 'patch-me' });
    await createKey({ name: 'taken' });
    const patched = await server.call('PATCH', `/keys/${key.id}`, {
      body: { models: ['gpt-4o'], limits: { tpm: 5000 }, expiresAt: null, tags: { a: 'b' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      models: ['gpt-4o'],
      limits: { tpm: 5000 },
      expiresAt: null,
      tags: { a: 'b' },
    });
    const clash = await server.call('PATCH', `/keys/${key.id}`, { body: { name: 'taken' } });
    expect([clash.status, clash.body.error.code, clash.body.error.param]).toEqual([
      400,
      'duplicate_name',
      'name',
    ]);
  });

  it('rotates with an overlap: both secrets work until the old one expires', async () => {
    const key = await createKey({ name: 'rotating', models: ['gpt-4o'], limits: { rpm: 7 } });
    const rotated = await server.call('POST', `/keys/${key.id}/rotate`, { body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(201);
    const { key: next, previous } = rotated.body;
    expect(next.secret).toMatch(/^sk-cvg-/);
    expect(next.secret).not.toBe(key.secret);
    expect(next).toMatchObject({
      name: 'rotating',
      models: ['gpt-4o'],
      limits: { rpm: 7 },
      teamId,
      state: 'active',
    });
    expect(previous).toMatchObject({ id: key.id, replacedBy: next.id, state: 'active' });
    expect(previous).not.toHaveProperty('secret');
    const overlapLeft = Date.parse(previous.expiresAt) - Date.now();
    expect(overlapLeft).toBeGreaterThan(3500_000);
    expect(overlapLeft).toBeLessThanOrEqual(3600_000);

    expect(await server.resolver.resolve(key.secret)).toMatchObject({ keyId: key.id });
    expect(await server.resolver.resolve(next.secret)).toMatchObject({ keyId: next.id });
    const again = await server.call('POST', `/keys/${key.id}/rotate`, { body: {} });
    expect([again.status, again.body.error.code]).toEqual([400, 'invalid_request']);
  });

  it('rotates with no overlap (overlapSeconds 0): the old secret stops at once', async () => {
    const key = await createKey({ name: 'rotate-now' });
    const rotated = await server.call('POST', `/keys/${key.id}/rotate`, { body: { overlapSeconds: 0 } });
    expect(rotated.body.previous.state).toBe('expired');
    expect(await server.resolver.resolve(key.secret)).toBeUndefined();
    expect(await server.resolver.resolve(rotated.body.key.secret)).toMatchObject({
      keyId: rotated.body.key.id,
    });
  });

  it('revokes (POST …/revoke and DELETE), idempotently, and the secret stops working', async () => {
    for (const [method, suffix] of [
      ['POST', '/revoke'],
      ['DELETE', ''],
    ] as const) {
      const key = await createKey({ name: `revoke-${method}` });
      const revoked = await server.call(method, `/keys/${key.id}${suffix}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: key.id, state: 'revoked' });
      expect(await server.resolver.resolve(key.secret)).toBeUndefined();
      const again = await server.call(method, `/keys/${key.id}${suffix}`);
      expect([again.status, again.body.revokedAt]).toEqual([200, revoked.body.revokedAt]);
      expect(
        (await server.call('GET', `/keys?state=revoked`)).body.data.map((k: { id: string }) => k.id),
      ).toContain(key.id);
    }
    expect((await server.call('POST', '/keys/key_missing/revoke')).status).toBe(404);
  });

  it('leaves keys declared in the config file to the config file', async () => {
    const declared = await server.storage.keys.insert({
      name: 'from-config',
      hash: hashKey('sk-config-secret'),
      prefix: 'sk-config-s',
      source: 'config',
    });
    for (const [method, path, body] of [
      ['PATCH', `/keys/${declared.id}`, { models: ['gpt-4o'] }],
      ['POST', `/keys/${declared.id}/rotate`, {}],
      ['POST', `/keys/${declared.id}/revoke`, {}],
    ] as const) {
      const response = await server.call(method, path, { body });
      expect([response.status, response.body.error.param], `${method} ${path}`).toEqual([400, 'id']);
    }
    expect((await server.call('GET', `/keys/${declared.id}`)).body).toMatchObject({
      source: 'config',
      state: 'active',
    });
  });
});

describe('admin API: AWS key pairs', () => {
  it('issues a pair shown once, lists it without the secret, and revokes it', async () => {
    const key = await createKey({ name: 'bedrock-client' });
    const issued = await server.call('POST', `/keys/${key.id}/aws-key-pairs`);
    expect(issued.status).toBe(201);
    const { accessKeyId, secretAccessKey } = issued.body;
    expect(accessKeyId).toMatch(ACCESS_KEY_ID_PATTERN);
    expect(secretAccessKey).toHaveLength(40);
    expect(issued.body.keyId).toBe(key.id);
    expect(await server.resolver.resolveAccessKey(accessKeyId)).toMatchObject({
      secretAccessKey,
      principal: { keyId: key.id },
    });

    const listed = await server.call('GET', `/aws-key-pairs?keyId=${key.id}`);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ accessKeyId, keyId: key.id, state: 'active' }),
    ]);
    expect(listed.text).not.toContain(secretAccessKey);
    expect(listed.text).not.toContain('sealed');
    expect(server.logLines.join('\n')).not.toContain(secretAccessKey);

    const revoked = await server.call('POST', `/aws-key-pairs/${accessKeyId}/revoke`);
    expect(revoked.body).toMatchObject({ accessKeyId, state: 'revoked' });
    await server.resolver.invalidate();
    expect(await server.resolver.resolveAccessKey(accessKeyId)).toBeUndefined();
    expect((await server.call('POST', '/aws-key-pairs/CVG00000000000000000/revoke')).status).toBe(404);
  });

  it('refuses pairs for a revoked key and answers 404 for an unknown one', async () => {
    const key = await createKey({ name: 'revoked-before-pair' });
    await server.call('POST', `/keys/${key.id}/revoke`);
    const refused = await server.call('POST', `/keys/${key.id}/aws-key-pairs`);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await server.call('POST', '/keys/key_missing/aws-key-pairs')).status).toBe(404);
  });
});
