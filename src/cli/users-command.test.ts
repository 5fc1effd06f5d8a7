import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/open-storage.js';
import type { UserRecord } from '../storage/types.js';
import { runKeysCommand } from './keys-command.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories } from './test-support/capture-cli-output.js';
import { runUsersCommand } from './users-command.js';

const directories = createTemporaryDirectories('converge-users-');
afterAll(directories.cleanup);
let dataDir: string;
beforeEach(async () => {
  dataDir = directories.next();
  for (const name of ['search', 'ads'])
    await captureCliOutput(() => runTeamsCommand(['create', '--name', name, '--data-dir', dataDir]));
});

const users = (...args: string[]) =>
  captureCliOutput(() => runUsersCommand([...args, '--data-dir', dataDir]));

describe('converge users', () => {
  it('creates users in teams and admins without one; lists them, by team too; deletes', async () => {
    const ada = JSON.parse(
      await users(
        'create',
        '--email',
        'ada@example.com',
        '--name',
        'Ada',
        '--team',
        'search',
        '--role',
        'team-admin',
        '--json',
      ),
    ) as UserRecord;
    await users('create', '--email', 'bob@example.com', '--team', 'ads');
    await users('create', '--email', 'root@example.com', '--role', 'admin');
    const storage = await openStorage({ type: 'sqlite', dataDir });
    const search = await storage.teams.findByName('search');
    expect(await storage.users.findByEmail('ada@example.com')).toMatchObject({
      id: ada.id,
      displayName: 'Ada',
      teamId: search?.id,
      role: 'team-admin',
    });
    expect(await storage.users.findByEmail('root@example.com')).toMatchObject({
      teamId: null,
      role: 'admin',
    });
    await storage.close();

    const listed = await users('list');
    expect(listed).toMatch(/ada@example\.com\s+Ada\s+team-admin\s+search/);
    expect(listed).toMatch(/bob@example\.com\s+-\s+member\s+ads/);
    expect(listed).toMatch(/root@example\.com\s+-\s+admin\s+-/);
    const ofAds = await users('list', '--team', 'ads');
    expect(ofAds).toContain('bob@example.com');
    expect(ofAds).not.toContain('ada@example.com');

    await captureCliOutput(() =>
      runKeysCommand(['create', '--name', 'bob-laptop', '--user', 'bob@example.com', '--data-dir', dataDir]),
    );
    expect(await users('delete', 'bob@example.com')).toMatch(
      /Deleted user 'bob@example\.com' \(user_\S+\)\. Revoked their keys: 'bob-laptop'\./,
    );
    expect(await users('list')).not.toContain('bob@example.com');
    const store = await openStorage({ type: 'sqlite', dataDir });
    expect((await store.keys.findByName('bob-laptop'))?.revokedAt).not.toBeNull();
    await store.close();
  });

  it('refuses bad options with a clear CliError', async () => {
    const failures: Array<[string[], RegExp]> = [
      [['create'], /users create: --email is required/],
      [['create', '--email', 'nobody'], /'nobody' is not an email address/],
      [
        ['create', '--email', 'a@b.c', '--role', 'boss'],
        /--role must be admin, team-admin, member; got 'boss'/,
      ],
      [['create', '--email', 'a@b.c', '--role', 'admin', '--team', 'ads'], /admins belong to no team/],
      [['create', '--email', 'a@b.c'], /a member belongs to a team; give --team/],
      [['create', '--email', 'a@b.c', '--team', 'nope'], /no team named or with id 'nope'/],
      [['list', '--email', 'a@b.c'], /users list: --email not accepted here/],
      [['delete'], /users delete: give the user email or id/],
      [['delete', 'ghost@example.com'], /no user with email or id 'ghost@example.com'/],
    ];
    for (const [args, message] of failures)
      await expect(users(...args), args.join(' ')).rejects.toThrow(message);
    await users('create', '--email', 'dup@example.com', '--team', 'ads');
    await expect(users('create', '--email', 'DUP@example.com', '--team', 'ads')).rejects.toMatchObject({
      exitCode: 1,
    });
  });
});
