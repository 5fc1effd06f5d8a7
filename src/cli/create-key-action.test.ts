import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { hashKey } from '../pipeline/auth/key-resolver.js';
import { openStorage } from '../storage/open-storage.js';
import type { VirtualKeyRecord } from '../storage/types.js';
import { CliError } from './cli-support.js';
import { runKeysCommand } from './keys-command.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories } from './test-support/capture-cli-output.js';
import { runUsersCommand } from './users-command.js';

const directories = createTemporaryDirectories('converge-keys-governance-');
afterAll(directories.cleanup);
let dataDir: string;

const run = (command: (args: string[]) => Promise<number>, args: string[]) =>
  captureCliOutput(() => command([...args, '--data-dir', dataDir]));
const keys = (...args: string[]) => run(runKeysCommand, args);
type Created = VirtualKeyRecord & { secret: string };

beforeEach(async () => {
  dataDir = directories.next();
  await run(runTeamsCommand, ['create', '--name', 'search', '--models', 'gpt-4o,o3-mini', '--rpm', '600']);
  await run(runTeamsCommand, ['create', '--name', 'ads']);
  await run(runUsersCommand, ['create', '--email', 'ada@example.com', '--team', 'search']);
  await run(runUsersCommand, [
    'create',
    '--email',
    'lead@example.com',
    '--team',
    'search',
    '--role',
    'team-admin',
  ]);
});

async function stored(hash: string) {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  try {
    return await storage.keys.findByHash(hash);
  } finally {
    await storage.close();
  }
}

describe('converge keys (teams, users, roles, limits)', () => {
  it('creates a key in a team with its own limits, budget, residency, tags and role', async () => {
    const created = JSON.parse(
      await keys(
        'create',
        '--name',
        'search-bot',
        '--team',
        'search',
        '--role',
        'team-admin',
        '--models',
        'gpt-4o',
        '--processing',
        'eu',
        '--rpm',
        '60',
        '--tpm',
        '10000',
        '--concurrency',
        '2',
        '--budget-day',
        '5',
        '--budget-mode',
        'hard',
        '--tag',
        'env=ci',
        '--allow-route-override',
        '--expires-in',
        '30d',
        '--json',
      ),
    ) as Created;
    expect(created.secret).toMatch(/^sk-cvg-/);
    expect(created).not.toHaveProperty('hash');
    const record = await stored(hashKey(created.secret));
    expect(record).toMatchObject({
      id: created.id,
      name: 'search-bot',
      role: 'team-admin',
      models: ['gpt-4o'],
      processing: ['eu'],
      limits: { rpm: 60, tpm: 10_000, concurrency: 2 },
      budget: { usdPerDay: 5, mode: 'hard' },
      tags: { env: 'ci' },
      allowRouteOverride: true,
      userId: null,
      replacedBy: null,
    });
    const storage = await openStorage({ type: 'sqlite', dataDir });
    expect(record?.teamId).toBe((await storage.teams.findByName('search'))?.id);
    await storage.close();
    // Now + 30 days when the CLI ran, which is at most a moment before the store stamped createdAt.
    const lifetime = (record?.expiresAt ?? 0) - (record?.createdAt ?? 0);
    expect(lifetime).toBeLessThanOrEqual(30 * 86_400_000);
    expect(lifetime).toBeGreaterThan(30 * 86_400_000 - 60_000);
  });

  it("defaults a user's key to the user's team, and lists team, role and state (filtered by team)", async () => {
    const forAda = JSON.parse(
      await keys('create', '--name', 'ada-laptop', '--user', 'ada@example.com', '--json'),
    );
    await keys('create', '--name', 'ads-bot', '--team', 'ads', '--models', 'o3-mini');
    await keys('create', '--name', 'loose');
    await keys('create', '--name', 'gone', '--team', 'search');
    await keys('revoke', 'gone');
    const record = await stored(hashKey(forAda.secret));
    expect(record).toMatchObject({ teamId: forAda.teamId, role: 'member' });
    expect(record?.userId).toMatch(/./);

    const listed = await keys('list');
    expect(listed).toMatch(
      /NAME\s+PREFIX\s+STATE\s+MODELS\s+AWS ACCESS KEY\s+TEAM\s+ROLE\s+CREATED \(UTC\)\s+EXPIRES/,
    );
    expect(listed).toMatch(
      /ada-laptop\s+sk-cvg-\S+…\s+active\s+all\s+-\s+search\s+member\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+-/,
    );
    expect(listed).toMatch(/ads-bot\s+\S+\s+active\s+o3-mini\s+-\s+ads\s+member/);
    expect(listed).toMatch(/loose\s+\S+\s+active\s+all\s+-\s+-\s+member/);
    expect(listed).toMatch(/gone\s+\S+\s+revoked\s+all\s+-\s+search/);
    const ofSearch = await keys('list', '--team', 'search');
    expect(ofSearch).toContain('ada-laptop');
    expect(ofSearch).toContain('gone');
    expect(ofSearch).not.toContain('ads-bot');
    expect(ofSearch).not.toContain('loose');
    const json = JSON.parse(await keys('list', '--team', 'ads', '--json')) as Array<{
      name: string;
      state: string;
    }>;
    expect(json.map(({ name, state }) => [name, state])).toEqual([['ads-bot', 'active']]);
  });

  it('updates a key: limits merged, one removed with none, role and route override changed, renamed', async () => {
    const created = JSON.parse(
      await keys('create', '--name', 'k', '--team', 'search', '--rpm', '60', '--tpm', '900', '--json'),
    ) as Created;
    await keys(
      'update',
      'k',
      '--tpm',
      'none',
      '--concurrency',
      '3',
      '--allow-route-override',
      '--never-expires',
    );
    expect(await stored(hashKey(created.secret))).toMatchObject({
      limits: { rpm: 60, concurrency: 3 },
      allowRouteOverride: true,
      expiresAt: null,
    });
    await keys(
      'update',
      created.id,
      '--name',
      'k2',
      '--role',
      'team-admin',
      '--deny-route-override',
      '--clear-limits',
    );
    expect(await stored(hashKey(created.secret))).toMatchObject({
      name: 'k2',
      role: 'team-admin',
      allowRouteOverride: false,
      limits: {},
    });
  });

  it('refuses bad options and impossible combinations with a clear CliError', async () => {
    await keys('create', '--name', 'member-key', '--user', 'ada@example.com');
    const failures: Array<[string[], RegExp]> = [
      [['create', '--name', 'x', '--role', 'root'], /--role must be admin, team-admin, member; got 'root'/],
      [['create', '--name', 'x', '--role', 'team-admin'], /a team-admin key needs --team/],
      [
        ['create', '--name', 'x', '--user', 'ada@example.com', '--role', 'admin'],
        /a key for member 'ada@example.com' cannot have role admin/,
      ],
      [
        ['create', '--name', 'x', '--user', 'ada@example.com', '--team', 'ads'],
        /belongs to another team than 'ads'/,
      ],
      [['create', '--name', 'x', '--team', 'nope'], /no team named or with id 'nope'/],
      [
        ['create', '--name', 'x', '--user', 'nobody@example.com'],
        /no user with email or id 'nobody@example.com'/,
      ],
      [['create', '--name', 'x', '--overlap', '1h'], /keys create: --overlap not accepted here/],
      [
        ['create', '--name', 'x', '--tpm', 'lots'],
        /--tpm must be a positive whole number or 'none', got 'lots'/,
      ],
      [['update', 'member-key'], /keys update: nothing to change/],
      [['update', 'member-key', '--team', 'ads'], /a key's team and user are fixed/],
      [
        ['update', 'member-key', '--role', 'admin'],
        /a key for member 'ada@example.com' cannot have role admin/,
      ],
      [['update', 'member-key', '--allow-route-override', '--deny-route-override'], /not both/],
      [['update', 'nope', '--rpm', '1'], /no live key named or with id 'nope'/],
      [['rotate'], /keys rotate: give the key name or id/],
      [['rotate', 'member-key', '--overlap', 'forever'], /invalid duration 'forever'/],
      [['rotate', 'member-key', '--rpm', '5'], /keys rotate: --rpm not accepted here/],
      [['list', '--team', 'nope'], /no team named or with id 'nope'/],
      [['list', '--name', 'x'], /keys list: --name not accepted here/],
      [['explode'], /keys: unknown action 'explode' \(create, add-aws, list, rotate, update, revoke\)/],
    ];
    for (const [args, message] of failures) {
      const error = await keys(...args).catch((caught: unknown) => caught);
      expect(error, args.join(' ')).toBeInstanceOf(CliError);
      expect(error, args.join(' ')).toMatchObject({ message: expect.stringMatching(message) });
    }
  });
});
