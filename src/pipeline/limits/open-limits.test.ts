import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/load-config.js';
import type { ConfigInput } from '../../config/schema.js';
import { openLimits } from './open-limits.js';

const key = (name: string, extra: Partial<NonNullable<ConfigInput['keys']>[number]> = {}) => ({
  name,
  key: `sk-cvg-${name}-0000000000000000`,
  ...extra,
});

describe('limits from the config', () => {
  it('opens a memory store that saves spend under the data directory by default', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'converge-open-limits-'));
    try {
      const config = parseConfig(
        { storage: { dataDir }, limits: { defaultKey: { limits: { rpm: 1 } } } },
        'test',
      );
      const opened = await openLimits(config, { log: pino({ level: 'silent' }) });
      expect(opened.options).toMatchObject({
        onStoreError: 'fail-open',
        defaultMaxOutputTokens: 4096,
        leaseMs: 60_000,
      });
      await opened.close();
      expect(JSON.parse(await readFile(join(dataDir, 'limit-spend.json'), 'utf8'))).toEqual({
        version: 1,
        scopes: {},
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('opens nothing when governance is off', async () => {
    const config = parseConfig(
      { governance: { enabled: false }, limits: { defaultKey: { limits: { rpm: 1 } } } },
      'test',
    );
    const opened = await openLimits(config, { log: pino({ level: 'silent' }) });
    expect(opened.options).toBeUndefined();
  });

  it('rejects bad limit settings with the path', () => {
    const issues = (document: unknown) => {
      try {
        parseConfig(document, 'test');
        return [];
      } catch (error: unknown) {
        if (error instanceof ConfigError) return error.message.split('\n').slice(1);
        throw error;
      }
    };
    expect(issues({ keys: [key('a', { limits: { rpm: 0 } })] }).join()).toMatch(/keys\[0\]\.limits\.rpm/);
    expect(issues({ keys: [key('a', { budget: { usdPerDay: -1 } })] }).join()).toMatch(
      /keys\[0\]\.budget\.usdPerDay/,
    );
    expect(issues({ limits: { defaultKey: { limits: { rps: 3 } } } }).join()).toMatch(
      /limits\.defaultKey\.limits/,
    );
    expect(issues({ limits: { onStoreError: 'maybe' } }).join()).toMatch(/limits\.onStoreError/);
    expect(issues({ limits: { store: { type: 'redis', url: '' } } }).join()).toMatch(/limits\.store\.url/);
  });
});
