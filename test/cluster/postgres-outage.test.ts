/**
 * PostgreSQL made unreachable while a gateway serves: keys keep being served from memory
 * (`fail-open`) or requests get a clear 503 (`fail-closed`), and every usage row buffered meanwhile
 * is written once PostgreSQL is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.js';
import { openPostgresStorage } from '../../src/storage/postgres/open-postgres-storage.js';
import {
  createTestPostgresSchema,
  type TestPostgresSchema,
} from '../../src/storage/postgres/test-postgres.js';
import { startTestTcpProxy, type TestTcpProxy } from '../../src/storage/postgres/test-tcp-proxy.js';

const SANDBOX_KEY = 'sk-sandbox-outage';
const ADMIN_KEY = 'cvg-admin-outage-test-key-000000';

type Outcome = { status: number; code: string | undefined };

async function call(client: OpenAI): Promise<Outcome> {
  try {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 5,
    });
    return { status: 200, code: undefined };
  } catch (error: unknown) {
    if (error instanceof OpenAI.APIError) return { status: error.status ?? 0, code: error.code ?? undefined };
    throw error;
  }
}

/** Calls until `done` says the outcome is the one awaited; every call counts as a request sent. */
async function callUntil(
  client: OpenAI,
  sent: { count: number },
  done: (outcome: Outcome) => boolean,
): Promise<void> {
  for (;;) {
    sent.count++;
    if (done(await call(client))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(['fail-open', 'fail-closed'] as const)('PostgreSQL unreachable mid-run (%s)', (policy) => {
  let sandbox: RunningSandbox;
  let database: TestPostgresSchema;
  let proxy: TestTcpProxy;
  let dataDir: string;
  let running: RunningGateway;
  let client: OpenAI;
  const sent = { count: 0 };

  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'zero', openai: { keys: [SANDBOX_KEY] } });
    database = createTestPostgresSchema();
    proxy = await startTestTcpProxy(database.url);
    dataDir = await mkdtemp(join(tmpdir(), 'converge-outage-'));
    const config = parseConfig(
      {
        server: { port: 0, maxEventLoopLagMs: 30_000 },
        logging: { level: 'silent' },
        storage: {
          type: 'postgres',
          url: proxy.url,
          schema: database.schema,
          dataDir,
          refreshIntervalMs: 100,
          onUnavailable: policy,
        },
        admin: { masterKey: ADMIN_KEY },
        usage: { flushIntervalMs: 50 },
        providers: { sandbox: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_KEY } },
        deployments: { 'gpt-4o-mini@sandbox': { provider: 'sandbox', model: 'gpt-4o-mini' } },
        models: { 'gpt-4o-mini': { deployments: ['gpt-4o-mini@sandbox'] } },
      },
      'test',
    );
    running = await startGateway({ config, log: pino({ level: 'silent' }) });
    const response = await fetch(`${running.url}/admin/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'outage', limits: { rpm: 10_000 } }),
    });
    expect(response.status).toBe(201);
    const { secret } = (await response.json()) as { secret: string };
    client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: secret, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await proxy?.start().catch(() => {});
    await running?.close();
    await sandbox?.close();
    await database?.drop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves (or refuses with 503) while PostgreSQL is down, and writes every buffered row once it is back', async () => {
    for (let index = 0; index < 5; index++) {
      sent.count++;
      expect((await call(client)).status).toBe(200);
    }
    await proxy.stop();
    if (policy === 'fail-open') {
      const outcomes = [];
      for (let index = 0; index < 20; index++) {
        sent.count++;
        outcomes.push(await call(client));
      }
      expect(outcomes.every((outcome) => outcome.status === 200)).toBe(true);
      // The gateway knows it runs on memory: readiness says so.
      await expect
        .poll(async () => (await fetch(`${running.url}/readyz`)).status, { timeout: 30_000 })
        .toBe(503);
    } else {
      await callUntil(client, sent, (outcome) => outcome.status === 503);
      for (let index = 0; index < 5; index++) {
        sent.count++;
        expect(await call(client)).toEqual({ status: 503, code: 'storage_unavailable' });
      }
    }
    await proxy.start();
    await callUntil(client, sent, (outcome) => outcome.status === 200);
    const storage = await openPostgresStorage({ url: database.url, schema: database.schema });
    try {
      await expect.poll(() => storage.usage.count(), { timeout: 30_000, interval: 100 }).toBe(sent.count);
      const rows = await storage.usage.query({ limit: 10_000 });
      expect(new Set(rows.map((row) => row.requestId)).size).toBe(sent.count);
      if (policy === 'fail-closed') {
        expect(rows.filter((row) => row.errorCode === 'storage_unavailable').length).toBeGreaterThanOrEqual(
          6,
        );
      } else {
        expect(rows.every((row) => row.status === 'ok')).toBe(true);
      }
    } finally {
      await storage.close();
    }
  }, 120_000);
});
