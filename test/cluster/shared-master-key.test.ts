/**
 * AWS key pairs in a cluster: a pair issued through one replica signs requests any replica accepts,
 * because every replica opens the sealed secret with the shared CONVERGE_MASTER_KEY — and without
 * that variable a PostgreSQL-backed replica refuses to issue one rather than seal it with a local key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from '../../src/config/embedded-default.js';
import { parseConfig } from '../../src/config/load-config.js';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.js';
import {
  createTestPostgresSchema,
  type TestPostgresSchema,
} from '../../src/storage/postgres/test-postgres.js';

const ADMIN_KEY = 'cvg-admin-shared-master-key-test';
const MASTER_KEY_ENV = 'CONVERGE_MASTER_KEY';

async function issuePair(gateway: RunningGateway, name: string) {
  const post = (path: string, body: object) =>
    fetch(`${gateway.url}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const key = (await (await post('/keys', { name })).json()) as { id: string };
  return post(`/keys/${key.id}/aws-key-pairs`, {});
}

describe('AWS key pairs across replicas sharing PostgreSQL', () => {
  let database: TestPostgresSchema;
  const dataDirs: string[] = [];
  const replicas: RunningGateway[] = [];
  const previous = process.env[MASTER_KEY_ENV];

  async function startReplica(): Promise<RunningGateway> {
    const dataDir = await mkdtemp(join(tmpdir(), 'converge-master-key-'));
    dataDirs.push(dataDir);
    const base = embeddedDefaultConfig({});
    const config = parseConfig(
      {
        ...base,
        server: { ...base.server, port: 0 },
        logging: { level: 'silent' },
        storage: { type: 'postgres', url: database.url, schema: database.schema, dataDir },
        admin: { masterKey: ADMIN_KEY },
      },
      'test',
    );
    const running = await startGateway({
      config,
      log: pino({ level: 'silent' }),
      devKey: `sk-cvg-dev-${randomBytes(8).toString('hex')}`,
    });
    replicas.push(running);
    return running;
  }

  beforeAll(() => {
    database = createTestPostgresSchema();
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env[MASTER_KEY_ENV];
    else process.env[MASTER_KEY_ENV] = previous;
    for (const replica of replicas) await replica.close();
    await database.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses to issue a pair without a shared master key, then signs across replicas with one', async () => {
    delete process.env[MASTER_KEY_ENV];
    const first = await startReplica();
    const refused = await issuePair(first, 'no-master-key');
    expect(refused.status).toBe(500);
    expect(JSON.stringify(await refused.json())).toMatch(/CONVERGE_MASTER_KEY/);

    process.env[MASTER_KEY_ENV] = randomBytes(32).toString('hex');
    const second = await startReplica();
    const issued = await issuePair(first, 'shared');
    expect(issued.status).toBe(201);
    const pair = (await issued.json()) as { accessKeyId: string; secretAccessKey: string };
    const client = new BedrockRuntimeClient({
      endpoint: second.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: pair.accessKeyId, secretAccessKey: pair.secretAccessKey },
    });
    const output = await client.send(
      new ConverseCommand({
        modelId: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      }),
    );
    expect(output.stopReason).toBeDefined();
    client.destroy();
  }, 60_000);
});
