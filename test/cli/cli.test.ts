import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open-storage.js';

const run = promisify(execFile);
/** Node itself with tsx's loader, so signals reach the CLI directly rather than through a tsx wrapper. */
const NODE_WITH_TSX = [process.execPath, ['--import', 'tsx']] as const;
const MAIN = join(process.cwd(), 'src', 'cli', 'main.ts');

async function converge(...args: string[]) {
  return run(NODE_WITH_TSX[0], [...NODE_WITH_TSX[1], MAIN, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
  }).catch((error: { stdout: string; stderr: string; code: number }) => error);
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'converge-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('converge CLI', () => {
  it('prints help for the program and for each command', async () => {
    const main = await converge('--help');
    expect(main.stdout).toContain('Usage: converge <command>');
    for (const command of ['start', 'sandbox', 'keys']) expect(main.stdout).toContain(command);
    expect((await converge('start', '--help')).stdout).toContain('--dev-key');
    expect((await converge('keys', '--help')).stdout).toContain('keys create --name');
    const unknown = await converge('frobnicate');
    expect('code' in unknown ? unknown.code : 0).toBe(2);
  }, 90_000);

  it('creates, lists and revokes keys; the secret is shown once and stored hashed', async () => {
    const created = await converge(
      'keys',
      'create',
      '--name',
      'ci-bot',
      '--models',
      'gpt-4o',
      '--data-dir',
      dataDir,
    );
    const secret = /Secret \(shown once\): (sk-cvg-\S+)/.exec(created.stdout)?.[1];
    expect(secret).toMatch(/^sk-cvg-[A-Za-z0-9]{40}$/);
    const duplicate = await converge('keys', 'create', '--name', 'ci-bot', '--data-dir', dataDir);
    expect(duplicate.stderr).toContain("a live key named 'ci-bot' already exists");

    const listed = await converge('keys', 'list', '--data-dir', dataDir);
    expect(listed.stdout).toMatch(/ci-bot\s+sk-cvg-\S+…\s+active\s+gpt-4o/);
    expect(listed.stdout).not.toContain(secret);

    const storage = await openStorage({ type: 'sqlite', dataDir });
    const stored = await storage.keys.findByName('ci-bot');
    await storage.close();
    expect(JSON.stringify(stored)).not.toContain(secret);

    expect((await converge('keys', 'revoke', 'ci-bot', '--data-dir', dataDir)).stdout).toContain(
      "Revoked 'ci-bot'",
    );
    expect((await converge('keys', 'list', '--data-dir', dataDir)).stdout).toMatch(/ci-bot\s+\S+\s+revoked/);
  }, 90_000);

  it('refuses an invalid config with the path of each problem', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'converge-bad-config-'));
    const path = join(directory, 'bad.yaml');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(path, 'server:\n  port: "high"\n  colour: blue\n'),
    );
    const result = await converge('start', '--config', path);
    expect('code' in result ? result.code : 0).toBe(78);
    expect(result.stderr).toContain('server.port');
    expect(result.stderr).toContain('colour');
    await rm(directory, { recursive: true, force: true });
  });
});

describe('converge start (embedded default)', () => {
  let child: ChildProcessWithoutNullStreams;
  let output = '';

  it('prints the URL, the dev key and an example; serves it; drains and flushes on SIGTERM', async () => {
    const startDir = await mkdtemp(join(tmpdir(), 'converge-start-'));
    child = spawn(NODE_WITH_TSX[0], [
      ...NODE_WITH_TSX[1],
      MAIN,
      'start',
      '--port',
      '0',
      '--data-dir',
      startDir,
      '--log-level',
      'warn',
    ]);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const banner = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (output.includes('Or with the OpenAI SDK')) resolve(output);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1] ?? '';
    const devKey = /Dev key \(shown once\): (\S+)/.exec(banner)?.[1] ?? '';
    expect(banner).toContain(`curl ${url}/v1/chat/completions`);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: devKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
    const storage = await openStorage({ type: 'sqlite', dataDir: startDir });
    const rows = await storage.usage.query({});
    await storage.close();
    expect(rows.map((row) => [row.modelRequested, row.status])).toEqual([['gpt-4o-mini', 'ok']]);
    await rm(startDir, { recursive: true, force: true });
  }, 60_000);
});

describe('converge sandbox', () => {
  it('serves the emulators standalone for the official SDK and stops on SIGTERM', async () => {
    const child = spawn(NODE_WITH_TSX[0], [
      ...NODE_WITH_TSX[1],
      MAIN,
      'sandbox',
      '--port',
      '0',
      '--zero-latency',
    ]);
    let printed = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(printed)?.[1];
        if (found !== undefined && printed.includes('latency')) resolve(found);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${printed}`)));
    });
    expect(printed).toContain('latency: zero');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
  }, 60_000);
});
