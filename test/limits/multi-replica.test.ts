import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { usdToMicros } from '../../src/limits/budget-periods.js';
import { hashKey } from '../../src/pipeline/auth/key-resolver.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { maxChatCostMicros } from '../../src/test-support/max-chat-cost.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const REPLICA_MAIN = join(process.cwd(), 'test', 'limits', 'support', 'replica-main.ts');
const SANDBOX_KEY = 'sk-sandbox-replicas';
/** A minute boundary: the replicas' clocks are set relative to it, so every window is exact. */
const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const REPLICAS = 3;
const RATE_KEYS = 8;
const RPM = 12;
const REQUESTS_PER_KEY = 30;
const BUDGET_USD = 0.4;
/** $1,000 per 1M tokens: one token costs $0.001, so every call's cost is its token count in mills. */
const PRICE_PER_MILLION = 1_000;
const MAX_TOKENS = 20;
const PROMPT = 'Say something short.';

const rateKeys = Array.from({ length: RATE_KEYS }, (_, index) => ({
  name: `rate-${index}`,
  key: `sk-cvg-rate-${index}-${randomUUID()}`,
}));
const budgetKey = { name: 'budget', key: `sk-cvg-budget-${randomUUID()}` };
const warmupKey = { name: 'warmup', key: `sk-cvg-warmup-${randomUUID()}` };

interface Replica {
  process: ChildProcessWithoutNullStreams;
  url: string;
}

function startReplica(configPath: string, clock: number): Promise<Replica> {
  const child = spawn(TSX, [REPLICA_MAIN, configPath, String(clock)]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /LISTENING (\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve({ process: child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}: ${stderr}`)));
  });
}

async function stopReplica(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null) return;
  const exited = new Promise((resolve) => replica.process.once('exit', resolve));
  replica.process.kill('SIGTERM');
  await exited;
}

async function setClocks(replicas: Replica[], ms: number): Promise<void> {
  await Promise.all(
    replicas.map(async (replica) => {
      const response = await fetch(`${replica.url}/__test/clock?ms=${ms}`, { method: 'PUT' });
      expect(response.status).toBe(204);
    }),
  );
}

type Outcome = { accepted: true; costMicros: number } | { accepted: false; code: string | undefined };

async function call(client: OpenAI): Promise<Outcome> {
  try {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: MAX_TOKENS,
    });
    const tokens = (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0);
    return { accepted: true, costMicros: usdToMicros((tokens * PRICE_PER_MILLION) / 1_000_000) };
  } catch (error: unknown) {
    if (error instanceof OpenAI.APIError && error.status === 429)
      return { accepted: false, code: error.code ?? undefined };
    throw error;
  }
}

describe('three gateway processes sharing one Redis', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;
  let replicas: Replica[] = [];
  const keyPrefix = `converge-test:${randomUUID()}:`;

  /** One SDK client per key and replica: request i of a key goes to replica i mod 3. */
  function clientsFor(secret: string): OpenAI[] {
    return replicas.map(
      (replica) => new OpenAI({ baseURL: `${replica.url}/v1`, apiKey: secret, maxRetries: 0 }),
    );
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'zero', openai: { keys: [SANDBOX_KEY] } });
    dataDir = await mkdtemp(join(tmpdir(), 'converge-replicas-'));
    const config: ConfigInput = {
      logging: { level: 'warn' },
      storage: { dataDir },
      providers: { sandbox: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_KEY } },
      deployments: { 'gpt-4o-mini@sandbox': { provider: 'sandbox', model: 'gpt-4o-mini' } },
      models: { 'gpt-4o-mini': { deployments: ['gpt-4o-mini@sandbox'] } },
      keys: [
        ...rateKeys.map((key) => ({ ...key, limits: { rpm: RPM } })),
        { ...budgetKey, budget: { usdPerDay: BUDGET_USD } },
        { ...warmupKey, limits: { rpm: 1_000 } },
      ],
      limits: {
        // Generous: on a busy CI machine a replica's event loop can stall longer than the default.
        store: { type: 'redis', url: REDIS_URL, keyPrefix, commandTimeoutMs: 10_000 },
        onStoreError: 'fail-closed',
        defaultPrice: { inputUsdPerMillion: PRICE_PER_MILLION, outputUsdPerMillion: PRICE_PER_MILLION },
      },
    };
    const configPath = join(dataDir, 'converge.json');
    await writeFile(configPath, JSON.stringify(config));
    // The keys, written once to the store every replica reads (PostgreSQL's role in a cluster).
    const storage = await openStorage({ type: 'sqlite', dataDir });
    for (const key of config.keys ?? []) {
      await storage.keys.upsertByName({
        name: key.name,
        hash: hashKey(key.key),
        prefix: key.key.slice(0, 11),
        limits: key.limits ?? {},
        budget: key.budget ?? {},
        source: 'config',
      });
    }
    await storage.close();
    replicas = await Promise.all(
      Array.from({ length: REPLICAS }, () => startReplica(configPath, T0 + 10_000)),
    );
    // One call per replica through the whole limited path, so the load below meets warm processes.
    for (const client of clientsFor(warmupKey.key)) expect((await call(client)).accepted).toBe(true);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await sandbox?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 30_000);

  it('never lets a key exceed its RPM in a minute window, whichever replica each request hits', async () => {
    async function loadAllKeys(): Promise<number[]> {
      const perKey = await Promise.all(
        rateKeys.map(async (key) => {
          const clients = clientsFor(key.key);
          const outcomes = await Promise.all(
            Array.from({ length: REQUESTS_PER_KEY }, (_, index) => call(clients[index % REPLICAS] as OpenAI)),
          );
          for (const outcome of outcomes) if (!outcome.accepted) expect(outcome.code).toBe('rate_limited');
          return outcomes.filter((outcome) => outcome.accepted).length;
        }),
      );
      return perKey;
    }

    // Minute w, 10 s in, nothing before it: exactly RPM per key get through, across all replicas.
    const firstMinute = await loadAllKeys();
    expect(firstMinute).toEqual(rateKeys.map(() => RPM));

    // Minute w+1, half way: the previous minute's RPM still weighs half, so half of RPM fits.
    await setClocks(replicas, T0 + MINUTE + MINUTE / 2);
    const secondMinute = await loadAllKeys();
    expect(secondMinute).toEqual(rateKeys.map(() => RPM / 2));
    for (const accepted of [...firstMinute, ...secondMinute]) expect(accepted).toBeLessThanOrEqual(RPM);
  });

  it('lets a shared daily budget overshoot by at most one request’s maximum cost', async () => {
    const maxCostMicros = maxChatCostMicros(PROMPT, MAX_TOKENS, PRICE_PER_MILLION);
    const budgetMicros = usdToMicros(BUDGET_USD);
    const clients = clientsFor(budgetKey.key);
    const costs: number[] = [];
    // Waves of concurrent calls over all replicas until one wave is refused entirely: by then every
    // earlier call was reconciled, so the budget is spent.
    for (let wave = 0; wave < 100; wave++) {
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, index) => call(clients[index % REPLICAS] as OpenAI)),
      );
      for (const outcome of outcomes) {
        if (outcome.accepted) costs.push(outcome.costMicros);
        else expect(outcome.code).toBe('budget_exceeded');
      }
      if (outcomes.every((outcome) => !outcome.accepted)) break;
    }
    const spent = costs.reduce((sum, cost) => sum + cost, 0);
    for (const cost of costs) expect(cost).toBeLessThanOrEqual(maxCostMicros);
    expect(costs.length).toBeGreaterThan(5);
    expect(spent).toBeGreaterThanOrEqual(budgetMicros);
    expect(spent).toBeLessThanOrEqual(budgetMicros + maxCostMicros);
  });
});
