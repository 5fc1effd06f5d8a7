import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeyResolver } from '../pipeline/auth/key-resolver.js';
import { openStorage } from '../storage/open-storage.js';
import type { TeamRecord } from '../storage/types.js';
import { CliError } from './cli-support.js';
import { runKeysCommand } from './keys-command.js';
import { runTeamsCommand } from './teams-command.js';
import { captureCliOutput, createTemporaryDirectories } from './test-support/capture-cli-output.js';

const directories = createTemporaryDirectories('converge-teams-');
afterAll(directories.cleanup);
let dataDir: string;
beforeEach(() => {
  dataDir = directories.next();
});

const teams = (...args: string[]) =>
  captureCliOutput(() => runTeamsCommand([...args, '--data-dir', dataDir]));
const teamsJson = async (...args: string[]) => JSON.parse(await teams(...args, '--json')) as TeamRecord;

async function storedTeam(name: string) {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  try {
    return await storage.teams.findByName(name);
  } finally {
    await storage.close();
  }
}

/** Whether a gateway on this data dir accepts the secret (a fresh resolver, so nothing is cached). */
async function authenticates(secret: string): Promise<boolean> {
  const storage = await openStorage({ type: 'sqlite', dataDir });
  const resolver = createKeyResolver(storage.keys, { teams: storage.teams });
  try {
    return (await resolver.resolve(secret)) !== undefined;
  } finally {
    resolver.close();
    await storage.close();
  }
}

describe('converge teams', () => {
  it('creates a team with its whole policy, and lists and shows it', async () => {
    const created = await teamsJson(
      'create',
      '--name',
      'search',
      '--models',
      'gpt-4o, o3-mini',
      '--processing',
      'eu,us',
      '--rpm',
      '600',
      '--tpm',
      '200000',
      '--concurrency',
      '8',
      '--budget-day',
      '25',
      '--budget-month',
      '500.50',
      '--budget-mode',
      'alert',
      '--tag',
      'cost-centre=4711',
      '--tag',
      'owner=ml=platform',
    );
    const expected = {
      name: 'search',
      models: ['gpt-4o', 'o3-mini'],
      processing: ['eu', 'us'],
      limits: { rpm: 600, tpm: 200_000, concurrency: 8 },
      budget: { usdPerDay: 25, usdPerMonth: 500.5, mode: 'alert' },
      tags: { 'cost-centre': '4711', owner: 'ml=platform' },
    };
    expect(created).toMatchObject(expected);
    expect(await storedTeam('search')).toMatchObject({ ...expected, id: created.id, deletedAt: null });

    const listed = await teams('list');
    expect(listed).toMatch(
      /search\s+gpt-4o,o3-mini\s+eu,us\s+600 rpm, 200000 tpm, 8 concurrent\s+\$25\/day, \$500\.5\/month \(alert\)\s+cost-centre=4711,owner=ml=platform/,
    );
    expect(await teams('show', created.id)).toContain('Limits:     600 rpm, 200000 tpm, 8 concurrent');
  });

  it('updates a team: changes, removes one limit with none, clears, renames', async () => {
    await teams(
      'create',
      '--name',
      'ads',
      '--models',
      'gpt-4o',
      '--rpm',
      '60',
      '--tpm',
      '1000',
      '--tag',
      'a=1',
    );
    await teams('update', 'ads', '--rpm', 'none', '--concurrency', '2', '--remove-tag', 'a', '--tag', 'b=2');
    expect(await storedTeam('ads')).toMatchObject({
      models: ['gpt-4o'],
      limits: { tpm: 1000, concurrency: 2 },
      tags: { b: '2' },
    });
    expect((await storedTeam('ads'))?.limits).not.toHaveProperty('rpm');
    await teams(
      'update',
      'ads',
      '--clear-models',
      '--clear-limits',
      '--budget-month',
      '10',
      '--name',
      'ads-eu',
    );
    expect(await storedTeam('ads')).toBeUndefined();
    expect(await storedTeam('ads-eu')).toMatchObject({
      models: null,
      limits: {},
      budget: { usdPerMonth: 10 },
    });
  });

  it('deletes a team softly; its keys are counted and the name is free again', async () => {
    const team = await teamsJson('create', '--name', 'tmp');
    const key = JSON.parse(
      await captureCliOutput(() =>
        runKeysCommand(['create', '--name', 'k1', '--team', 'tmp', '--json', '--data-dir', dataDir]),
      ),
    ) as { secret: string };
    expect(await authenticates(key.secret)).toBe(true);
    expect(await teams('delete', 'tmp')).toMatch(
      /Deleted team 'tmp' \(team_\S+\); its 1 live key\(s\) no longer authenticate\./,
    );
    expect(await authenticates(key.secret)).toBe(false);
    expect(await teams('delete', 'tmp').catch((error: unknown) => error)).toMatchObject({
      message: "no team named or with id 'tmp'",
      exitCode: 1,
    });
    expect(await teams('list')).not.toContain('tmp');
    const again = await teamsJson('create', '--name', 'tmp');
    expect(again.id).not.toBe(team.id);
  });

  it('refuses bad options with a clear CliError', async () => {
    const failures: Array<[string[], RegExp]> = [
      [['create'], /teams create: --name is required/],
      [['create', '--name', 'x', '--rpm=-5'], /--rpm must be a positive whole number or 'none', got '-5'/],
      [['create', '--name', 'x', '--rpm', '1.5'], /--rpm must be a positive whole number/],
      [['create', '--name', 'x', '--budget-day', 'lots'], /--budget-day must be a positive USD amount/],
      [['create', '--name', 'x', '--budget-mode', 'soft'], /--budget-mode must be hard or alert, got 'soft'/],
      [['create', '--name', 'x', '--tag', 'novalue'], /--tag must look like key=value, got 'novalue'/],
      [['create', '--name', 'x', '--models', ' , '], /--models needs at least one value/],
      [['create', '--name', 'x', '--clear-models'], /teams create: --clear-models not accepted here/],
      [['update'], /teams update: give the team name or id/],
      [['update', 'nope', '--rpm', '5'], /no team named or with id 'nope'/],
      [['list', 'extra'], /teams list: unexpected argument 'extra'/],
      [['frobnicate'], /teams: unknown action 'frobnicate' \(create, list, show, update, delete\)/],
      [['list', '--colour'], /teams: Unknown option '--colour'/],
    ];
    for (const [args, message] of failures) {
      const error = await teams(...args).catch((caught: unknown) => caught);
      expect(error, args.join(' ')).toBeInstanceOf(CliError);
      expect(error, args.join(' ')).toMatchObject({ message: expect.stringMatching(message) });
    }
    await teams('create', '--name', 'dup');
    await expect(teams('create', '--name', 'dup')).rejects.toMatchObject({ exitCode: 1 });
  });

  it('prints help with every action and option', async () => {
    const help = await captureCliOutput(() => runTeamsCommand(['--help']));
    for (const word of [
      'teams create --name',
      'teams update',
      '--budget-mode',
      '--clear-models',
      '--data-dir',
    ])
      expect(help).toContain(word);
  });
});
