/**
 * Three `converge start` processes on loopback sharing one PostgreSQL (keys, teams, usage) and one
 * Redis (limits and budgets) — a cluster as operators run it — loaded concurrently from many keys.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { usdToMicros } from '../../src/limits/budget-periods.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { openPostgresStorage } from '../../src/storage/postgres/open-postgres-storage.js';
import {
  createTestPostgresSchema,
  type TestPostgresSchema,
} from '../../src/storage/postgres/test-postgres.js';
import type { UsageRow } from '../../src/storage/types.js';
import { maxChatCostMicros } from '../../src/test-support/max-chat-cost.js';
import { type ConvergeProcess, startConvergeProcess } from './support/start-converge-process.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SANDBOX_KEY = 'sk-sandbox-cluster';
const ADMIN_KEY = `cvg-admin-${randomUUID()}`;
const REPLICAS = 3;
const RATE_KEYS = 8;
const RPM = 12;
const REQUESTS_PER_KEY = 30;
const BUDGET_USD = 0.4;
const BUDGET_REQUESTS = 40;
/** $1,000 per 1M tokens: one token costs $0.001. */
const PRICE_PER_MILLION = 1_000;
const MAX_TOKENS = 20;
const PROMPT = 'Say something short.';
const MINUTE = 60_000;

async function issueKey(url: string, body: object): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${url}/admin/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

type Outcome = { accepted: true } | { accepted: false; status: number; code: string | undefined };

async function call(client: OpenAI, model = 'gpt-4o-mini'): Promise<Outcome> {
  try {
    await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: MAX_TOKENS,
    });
    return { accepted: true };
  } catch (error: unknown) {
    if (error instanceof OpenAI.APIError)
      return { accepted: false, status: error.status ?? 0, code: error.code ?? undefined };
    throw error;
  }
}

/** Waits (not asserts) until at least 20 s remain in the current minute, so one burst fits one window. */
async function awaitRoomInMinute(): Promise<void> {
  const intoMinute = Date.now() % MINUTE;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, MINUTE - intoMinute + 100));
}

describe('three converge processes sharing PostgreSQL and Redis', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;
  let database: TestPostgresSchema;
  let replicas: ConvergeProcess[] = [];
  const keyPrefix = `converge-cluster:${randomUUID()}:`;
  let sent = 0;

  const clientsFor = (secret: string) =>
    replicas.map((replica) => new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: secret, maxRetries: 0 }));
  const send = (client: OpenAI, model?: string) => {
    sent++;
    return call(client, model);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'zero', openai: { keys: [SANDBOX_KEY] } });
    dataDir = await mkdtemp(join(tmpdir(), 'converge-cluster-'));
    database = createTestPostgresSchema();
    const config: ConfigInput = {
      logging: { level: 'warn' },
      // Load shedding is not under test: a busy CI machine must not turn 429s into 503s.
      server: { maxEventLoopLagMs: 30_000 },
      storage: {
        type: 'postgres',
        url: database.url,
        schema: database.schema,
        dataDir,
        refreshIntervalMs: 500,
      },
      // Resolved from the environment by the config loader, as an operator writes it.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config-file ${ENV} reference, not a template
      admin: { masterKey: '${CONVERGE_ADMIN_KEY}' },
      usage: { flushIntervalMs: 200 },
      providers: { sandbox: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_KEY } },
      deployments: {
        'gpt-4o-mini@sandbox': {
          provider: 'sandbox',
          model: 'gpt-4o-mini',
          pricing: { prices: { input: PRICE_PER_MILLION, output: PRICE_PER_MILLION } },
        },
      },
      models: { 'gpt-4o-mini': { deployments: ['gpt-4o-mini@sandbox'] } },
      limits: {
        // Generous: on a busy CI machine a replica's event loop can stall longer than the default.
        store: { type: 'redis', url: REDIS_URL, keyPrefix, commandTimeoutMs: 10_000 },
        onStoreError: 'fail-closed',
      },
    };
    const configPath = join(dataDir, 'converge.json');
    await writeFile(configPath, JSON.stringify(config));
    // The first process migrates the schema; the others start together against it.
    replicas = [await startConvergeProcess(['--config', configPath], { CONVERGE_ADMIN_KEY: ADMIN_KEY })];
    replicas.push(
      ...(await Promise.all(
        Array.from({ length: REPLICAS - 1 }, () =>
          startConvergeProcess(['--config', configPath], { CONVERGE_ADMIN_KEY: ADMIN_KEY }),
        ),
      )),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox?.close();
    await database?.drop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);

  it('holds each key to its RPM across replicas, overshoots a budget by at most one request, and writes one usage row per request', async () => {
    const first = replicas[0]?.url ?? '';
    // Keys are issued on one replica; the others learn them from PostgreSQL on first sight.
    const rateKeys = await Promise.all(
      Array.from({ length: RATE_KEYS }, (_, index) =>
        issueKey(first, { name: `rate-${index}`, limits: { rpm: RPM } }),
      ),
    );
    const budgetKey = await issueKey(first, { name: 'budget', budget: { usdPerDay: BUDGET_USD } });

    await awaitRoomInMinute();
    const [rateOutcomes, budgetOutcomes] = await Promise.all([
      Promise.all(
        rateKeys.map((key) => {
          const clients = clientsFor(key.secret);
          return Promise.all(
            Array.from({ length: REQUESTS_PER_KEY }, (_, index) => send(clients[index % REPLICAS] as OpenAI)),
          );
        }),
      ),
      Promise.all(
        Array.from({ length: BUDGET_REQUESTS }, (_, index) =>
          send(clientsFor(budgetKey.secret)[index % REPLICAS] as OpenAI),
        ),
      ),
    ]);
    // Failures and rejections count as requests too: they must leave rows as well.
    const bad = clientsFor('sk-cvg-not-a-key-000000000000000000');
    const unknownModel = clientsFor(rateKeys[0]?.secret ?? '');
    const failures = await Promise.all([
      ...bad.map((client) => send(client)),
      ...unknownModel.map((client) => send(client, 'no-such-model')),
    ]);
    expect(failures.map((outcome) => (outcome.accepted ? 200 : outcome.status))).toEqual([
      401, 401, 401, 404, 404, 404,
    ]);

    for (const outcomes of rateOutcomes) {
      expect(outcomes.filter((outcome) => outcome.accepted)).toHaveLength(RPM);
      for (const outcome of outcomes) if (!outcome.accepted) expect(outcome.code).toBe('rate_limited');
    }
    expect(budgetOutcomes.some((outcome) => !outcome.accepted && outcome.code === 'budget_exceeded')).toBe(
      true,
    );

    // Every replica drains and flushes on SIGTERM: then PostgreSQL holds every row.
    await Promise.all(replicas.map((replica) => replica.stop()));
    const storage = await openPostgresStorage({ url: database.url, schema: database.schema });
    try {
      expect(await storage.usage.count()).toBe(sent);
      const rows = await storage.usage.query({ limit: 100_000 });
      assertRpmPerWindow(rows, new Set(rateKeys.map((key) => key.id)));
      assertBudgetOvershoot(rows.filter((row) => row.keyId === budgetKey.id));
    } finally {
      await storage.close();
    }
  }, 180_000);
});

/** Accepted requests of each key in each aligned minute never exceed the RPM. */
function assertRpmPerWindow(rows: UsageRow[], keyIds: Set<string>): void {
  const perWindow = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'ok' || row.keyId === null || !keyIds.has(row.keyId)) continue;
    const window = `${row.keyId}@${Math.floor(row.createdAt / MINUTE)}`;
    perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
  }
  expect(perWindow.size).toBe(keyIds.size);
  for (const accepted of perWindow.values()) expect(accepted).toBeLessThanOrEqual(RPM);
}

/** What was spent stays under the budget plus one request's maximum cost (its reservation). */
function assertBudgetOvershoot(rows: UsageRow[]): void {
  const maxCostMicros = maxChatCostMicros(PROMPT, MAX_TOKENS, PRICE_PER_MILLION);
  const spentMicros = rows
    .filter((row) => row.status === 'ok')
    .reduce((sum, row) => sum + usdToMicros(row.costUsd ?? 0), 0);
  expect(spentMicros).toBeGreaterThan(0);
  expect(spentMicros).toBeLessThanOrEqual(usdToMicros(BUDGET_USD) + maxCostMicros);
  expect(
    rows.filter((row) => row.status === 'rejected' && row.errorCode === 'budget_exceeded').length,
  ).toBeGreaterThan(0);
}
