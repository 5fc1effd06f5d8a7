/**
 * Governance end to end, against `converge start` in its own process (embedded default: SQLite and
 * the built-in sandbox), driven through the admin API and the official SDKs: team isolation, roles,
 * revoked/expired/rotated keys, budgets and limits set by the admin API, and — over the logs of the
 * whole run at debug level — no key or secret ever written.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConvergeProcess, startConvergeProcess } from '../cluster/support/start-converge-process.js';

const ADMIN_KEY = `cvg-admin-${randomUUID()}`;
/** Every secret the run handles; the logs must contain none of them. */
const secrets = new Set<string>([ADMIN_KEY]);

let gateway: ConvergeProcess;
let dataDir: string;

interface Json {
  [key: string]: unknown;
}

async function admin(method: string, path: string, body?: object, key = ADMIN_KEY) {
  const response = await fetch(`${gateway.url}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Json;
  for (const field of ['secret', 'secretAccessKey'])
    if (typeof json[field] === 'string') secrets.add(json[field]);
  return { status: response.status, body: json };
}

async function issue(body: object): Promise<{ id: string; secret: string }> {
  const created = await admin('POST', '/keys', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as unknown as { id: string; secret: string };
}

const openai = (key: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string, model: string) =>
  openai(key)
    .chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Tell me a secret' }],
      max_tokens: 8,
    })
    .then(
      () => ({ status: 200, code: undefined as string | undefined }),
      (error: unknown) =>
        error instanceof OpenAI.APIError
          ? { status: error.status, code: error.code ?? undefined }
          : Promise.reject(error),
    );

describe('governance through converge start', () => {
  let teamA: string;
  let teamB: string;
  let memberA: { id: string; secret: string };
  let memberB: { id: string; secret: string };
  let leadA: { id: string; secret: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'converge-governance-'));
    gateway = await startConvergeProcess(['--data-dir', dataDir, '--log-level', 'debug'], {
      CONVERGE_ADMIN_KEY: ADMIN_KEY,
    });
    const dev = /Dev key \(shown once\): (\S+)/.exec(gateway.output())?.[1];
    if (dev !== undefined) secrets.add(dev);
    teamA = String(
      (await admin('POST', '/teams', { name: 'team-a', models: ['gpt-4o-mini', 'claude-haiku-4-5'] })).body[
        'id'
      ],
    );
    teamB = String(
      (await admin('POST', '/teams', { name: 'team-b', models: ['gemini-2.5-flash'] })).body['id'],
    );
    memberA = await issue({ name: 'member-a', teamId: teamA });
    memberB = await issue({ name: 'member-b', teamId: teamB });
    leadA = await issue({ name: 'lead-a', teamId: teamA, role: 'team-admin' });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it("confines a team's keys to the team's models", async () => {
    expect(await ask(memberA.secret, 'gpt-4o-mini')).toEqual({ status: 200, code: undefined });
    expect((await ask(memberA.secret, 'gemini-2.5-flash')).status).toBe(404);
    expect((await ask(memberB.secret, 'gemini-2.5-flash')).status).toBe(200);
    expect((await ask(memberB.secret, 'gpt-4o-mini')).status).toBe(404);
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: memberA.secret, maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.type).toBe('message');
  });

  it("lets a team-admin read its own team's usage only, and keeps members out of the admin API", async () => {
    const own = await admin('GET', `/usage?teamId=${teamA}`, undefined, leadA.secret);
    expect(own.status).toBe(200);
    const rows = own.body['data'] as Array<{ teamId: string }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.teamId === teamA)).toBe(true);
    const other = await admin('GET', `/usage?teamId=${teamB}`, undefined, leadA.secret);
    expect([403, 404]).toContain(other.status);
    const summary = await admin('GET', '/usage/summary?by=team', undefined, leadA.secret);
    expect((summary.body['data'] as Array<{ group: string }>).map((row) => row.group)).toEqual([teamA]);
    expect((await admin('GET', '/keys', undefined, memberA.secret)).status).toBe(403);
    expect((await admin('GET', `/usage?teamId=${teamA}`, undefined, memberA.secret)).status).toBe(403);
    expect((await admin('POST', '/keys', { name: 'escalate', role: 'admin' }, leadA.secret)).status).toBe(
      403,
    );
  });

  it('rejects revoked and expired keys, and keeps a rotated key working through the overlap', async () => {
    const doomed = await issue({ name: 'doomed', teamId: teamA });
    expect((await ask(doomed.secret, 'gpt-4o-mini')).status).toBe(200);
    expect((await admin('POST', `/keys/${doomed.id}/revoke`)).status).toBe(200);
    expect(await ask(doomed.secret, 'gpt-4o-mini')).toEqual({ status: 401, code: 'invalid_api_key' });

    // The admin API refuses an expiry in the past: issue one that ends shortly, and wait it out.
    const expiresAt = Date.now() + 1_500;
    const expired = await issue({
      name: 'expired',
      teamId: teamA,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 50)));
    expect(await ask(expired.secret, 'gpt-4o-mini')).toEqual({ status: 401, code: 'invalid_api_key' });

    const rotating = await issue({ name: 'rotating', teamId: teamA });
    const rotated = await admin('POST', `/keys/${rotating.id}/rotate`, { overlapSeconds: 3_600 });
    expect(rotated.status).toBe(201);
    const next = String((rotated.body['key'] as Json)['secret']);
    secrets.add(next);
    expect(next).not.toBe(rotating.secret);
    expect((await ask(rotating.secret, 'gpt-4o-mini')).status).toBe(200);
    expect((await ask(next, 'gpt-4o-mini')).status).toBe(200);
  });

  it('enforces limits and budgets the admin API sets, in the caller’s dialect', async () => {
    const limited = await issue({ name: 'one-per-minute', teamId: teamA, limits: { rpm: 1 } });
    expect((await ask(limited.secret, 'gpt-4o-mini')).status).toBe(200);
    expect(await ask(limited.secret, 'gpt-4o-mini')).toEqual({ status: 429, code: 'rate_limited' });
    const team = await admin('POST', '/teams', { name: 'broke', budget: { usdPerDay: 0.000001 } });
    const broke = await issue({ name: 'broke-member', teamId: String(team.body['id']) });
    // Nothing was spent yet, so one request may overshoot the budget (by at most its maximum cost) …
    expect((await ask(broke.secret, 'gpt-4o')).status).toBe(200);
    // … and then the team is refused.
    expect(await ask(broke.secret, 'gpt-4o')).toEqual({ status: 429, code: 'budget_exceeded' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^converge_limit_rejections_total\{dimension="requests"\} 1$/m);
    expect(metrics).toMatch(/^converge_limit_rejections_total\{dimension="budget-day"\} 1$/m);
  });

  it('signs Bedrock calls with an AWS key pair issued by the admin API', async () => {
    const pair = await admin('POST', `/keys/${memberA.id}/aws-key-pairs`);
    expect(pair.status).toBe(201);
    const client = new BedrockRuntimeClient({
      endpoint: gateway.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: String(pair.body['accessKeyId']),
        secretAccessKey: String(pair.body['secretAccessKey']),
      },
    });
    const output = await client.send(
      new ConverseCommand({
        modelId: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      }),
    );
    expect(output.stopReason).toBeDefined();
    client.destroy();
  });

  it('writes no key or secret to the logs of the whole run', async () => {
    // Bad keys are logged nowhere either, and neither is a key sent in a Gemini URL query.
    await ask('sk-cvg-wrong-key-that-must-not-be-logged', 'gpt-4o-mini');
    secrets.add('sk-cvg-wrong-key-that-must-not-be-logged');
    const query = await fetch(
      `${gateway.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${memberB.secret}`,
      { method: 'POST', body: '{"contents":[{"parts":[{"text":"Tell me a secret"}]}]}' },
    );
    expect(query.status).toBe(200);
    await gateway.stop();
    // The banner prints the dev key once, by design; the log is every JSON line.
    const logs = gateway
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .join('\n');
    expect(logs).toMatch(/"level":20,.*"msg":"request finished"/); // the access log was on
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets)
      expect(logs.includes(secret), `a secret starting ${secret.slice(0, 8)} is in the logs`).toBe(false);
    expect(logs).not.toContain('Tell me a secret');
  });
});
