import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMasterKey, MASTER_KEY_FILE, MasterKeyError } from './master-key.js';

const root = mkdtempSync(join(tmpdir(), 'converge-master-key-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function newDataDir(): string {
  counter++;
  return join(root, `data-${counter}`, 'nested');
}

describe('loadMasterKey', () => {
  it('takes CONVERGE_MASTER_KEY as hex or base64, before any file', () => {
    const key = randomBytes(32);
    const dataDir = newDataDir();
    for (const text of [key.toString('hex'), key.toString('base64'), ` ${key.toString('base64url')}\n`]) {
      const env = { CONVERGE_MASTER_KEY: text };
      expect(loadMasterKey({ dataDir, create: true, env })).toEqual(key);
    }
    expect(existsSync(join(dataDir, MASTER_KEY_FILE))).toBe(false);
  });

  it('refuses an environment key that is not 32 bytes', () => {
    const env = { CONVERGE_MASTER_KEY: randomBytes(16).toString('base64') };
    expect(() => loadMasterKey({ dataDir: newDataDir(), create: true, env })).toThrow(
      /CONVERGE_MASTER_KEY must hold a 32-byte key/,
    );
    expect(() =>
      loadMasterKey({ dataDir: newDataDir(), create: true, env: { CONVERGE_MASTER_KEY: 'not a key!' } }),
    ).toThrow(MasterKeyError);
  });

  it('generates <dataDir>/master.key once, mode 0600, and reads the same key afterwards', () => {
    const dataDir = newDataDir();
    const created = loadMasterKey({ dataDir, create: true, env: {} });
    const path = join(dataDir, MASTER_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toEqual(created);
    expect(loadMasterKey({ dataDir, create: true, env: {} })).toEqual(created);
    expect(loadMasterKey({ dataDir, create: false, env: {} })).toEqual(created);
  });

  it('never generates a key unless asked, so secrets sealed earlier are not silently orphaned', () => {
    const dataDir = newDataDir();
    expect(() => loadMasterKey({ dataDir, create: false, env: {} })).toThrow(/no master key/);
    expect(existsSync(join(dataDir, MASTER_KEY_FILE))).toBe(false);
  });

  it('refuses a key file other users can read', () => {
    const dataDir = newDataDir();
    loadMasterKey({ dataDir, create: true, env: {} });
    const path = join(dataDir, MASTER_KEY_FILE);
    chmodSync(path, 0o644);
    expect(() => loadMasterKey({ dataDir, create: false, env: {} })).toThrow(/chmod 600/);
    writeFileSync(path, 'short\n', { mode: 0o600 });
    chmodSync(path, 0o600);
    expect(() => loadMasterKey({ dataDir, create: false, env: {} })).toThrow(MasterKeyError);
  });
});
