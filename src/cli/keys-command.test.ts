import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyResolver } from '../pipeline/auth/key-resolver.js';
import { loadMasterKey } from '../security/master-key.js';
import { createSecretBox } from '../security/secret-box.js';
import { openStorage } from '../storage/open-storage.js';
import { runKeysCommand } from './keys-command.js';

const root = mkdtempSync(join(tmpdir(), 'converge-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dataDir: string;
let counter = 0;
let output: string[];

beforeEach(() => {
  counter++;
  dataDir = join(root, `data-${counter}`);
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  delete process.env['CONVERGE_MASTER_KEY'];
});
afterEach(() => vi.restoreAllMocks());

async function keys(...args: string[]): Promise<string> {
  output.length = 0;
  expect(await runKeysCommand([...args, '--data-dir', dataDir])).toBe(0);
  return output.join('');
}

/** A resolver over the store the CLI wrote, as a gateway started on the same data dir would build it. */
async function resolveWithGateway(accessKeyId: string) {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  try {
    const resolver = createKeyResolver(storage.keys, {
      awsKeyPairs: storage.awsKeyPairs,
      openSecretBox: () => createSecretBox(loadMasterKey({ dataDir, create: false })),
    });
    return await resolver.resolveAccessKey(accessKeyId);
  } finally {
    await storage.close();
  }
}

describe('converge keys --aws', () => {
  it('issues a virtual key with an AWS key pair, shown once, whose secret the gateway can unseal', async () => {
    const printed = await keys('create', '--name', 'bedrock-app', '--models', 'claude-sonnet', '--aws');
    const secret = /Secret \(shown once\): (sk-cvg-\S+)/.exec(printed)?.[1];
    const accessKeyId = /AWS access key id: (\S+)/.exec(printed)?.[1] ?? '';
    const secretAccessKey = /AWS secret access key \(shown once\): (\S+)/.exec(printed)?.[1];
    expect(secret).toMatch(/^sk-cvg-/);
    expect(accessKeyId).toMatch(/^CVG[A-Z0-9]{17}$/);
    expect(secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

    const grant = await resolveWithGateway(accessKeyId);
    expect(grant).toMatchObject({
      secretAccessKey,
      principal: { keyName: 'bedrock-app', models: ['claude-sonnet'] },
    });

    const listed = await keys('list');
    expect(listed).toMatch(
      new RegExp(`bedrock-app\\s+sk-cvg-\\S+…\\s+active\\s+claude-sonnet\\s+${accessKeyId}`),
    );
    expect(listed).not.toContain(secretAccessKey);
    const storage = await openStorage({ type: 'sqlite', dataDir });
    const stored = await storage.awsKeyPairs.findByAccessKeyId(accessKeyId);
    await storage.close();
    expect(JSON.stringify(stored)).not.toContain(secretAccessKey);
  });

  it('adds a pair to an existing key, and revokes one pair by its access key id', async () => {
    await keys('create', '--name', 'ops');
    const added = JSON.parse(await keys('add-aws', 'ops', '--json')) as { aws: { accessKeyId: string } };
    const second = JSON.parse(await keys('add-aws', 'ops', '--json')) as { aws: { accessKeyId: string } };
    const listed = JSON.parse(await keys('list', '--json')) as Array<{ awsAccessKeyIds: string[] }>;
    expect(listed[0]?.awsAccessKeyIds).toEqual([added.aws.accessKeyId, second.aws.accessKeyId]);

    expect(await keys('revoke', added.aws.accessKeyId)).toContain(`Revoked '${added.aws.accessKeyId}'`);
    expect(await resolveWithGateway(added.aws.accessKeyId)).toBeUndefined();
    expect(await resolveWithGateway(second.aws.accessKeyId)).toBeDefined();
    expect(await keys('list')).toMatch(/ops\s+\S+\s+active\s+all\s+CVG/);

    await keys('revoke', 'ops');
    expect(await resolveWithGateway(second.aws.accessKeyId)).toBeUndefined();
  });

  it('seals with CONVERGE_MASTER_KEY when it is set, and then writes no key file', async () => {
    process.env['CONVERGE_MASTER_KEY'] = randomBytes(32).toString('base64');
    const created = JSON.parse(await keys('create', '--name', 'env', '--aws', '--json')) as {
      aws: { accessKeyId: string; secretAccessKey: string };
    };
    expect(() => statSync(join(dataDir, 'master.key'))).toThrow();
    expect((await resolveWithGateway(created.aws.accessKeyId))?.secretAccessKey).toBe(
      created.aws.secretAccessKey,
    );
  });
});
