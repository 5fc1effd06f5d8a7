import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUNDLED_CATALOG_DIRECTORY } from '../catalog/load-catalog.js';
import { runCatalogCommand } from './catalog-command.js';
import { CliError } from './cli-support.js';

const root = mkdtempSync(join(tmpdir(), 'converge-catalog-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let output: string[];

beforeEach(() => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

async function catalog(...args: string[]): Promise<string> {
  output.length = 0;
  expect(await runCatalogCommand(args)).toBe(0);
  return output.join('');
}

/** The table row whose first cell is `id` for `provider`. */
function row(table: string, id: string, provider: string): string {
  const found = table.split('\n').find((line) => line.startsWith(`${id} `) && line.includes(` ${provider} `));
  if (found === undefined) throw new Error(`no row ${id}/${provider} in:\n${table}`);
  return found;
}

describe('converge catalog', () => {
  it('lists every provider as a table: ids, prices per 1M tokens, context and lifecycle', async () => {
    const table = await catalog();
    expect(table.split('\n')[0]).toMatch(
      /^MODEL +PROVIDER +UPSTREAM IDS +INPUT \$\/1M +OUTPUT \$\/1M +CACHED \$\/1M +CONTEXT +LIFECYCLE$/,
    );
    for (const provider of ['bedrock', 'azure-openai', 'openai', 'vertex', 'gemini', 'anthropic'])
      expect(table).toContain(` ${provider} `);
    expect(row(table, 'claude-3-5-haiku', 'bedrock')).toMatch(
      /anthropic\.claude-3-5-haiku-20241022-v1:0 +0\.80 +4\.00 +0\.08 +200K +retired 2026-06-19 → claude-haiku-4-5$/,
    );
    expect(row(table, 'gpt-4o', 'openai')).toMatch(
      /gpt-4o, gpt-4o-2024-08-06, gpt-4o-2024-11-20 +2\.50 +10\.00 +1\.25 +128K +ga$/,
    );
    expect(row(table, 'nova-micro', 'bedrock')).toMatch(/ 0\.035 +0\.14 +0\.00875 +128K +ga$/);
    expect(row(table, 'gemini-1.5-pro', 'vertex')).toMatch(/ 2M +retired → gemini-2.5-pro$/);
    expect(row(table, 'gpt-5-mini', 'azure-openai')).toMatch(/ 400K +ga, retires 2027-02-06$/);
    expect(row(table, 'gpt-4.1', 'openai')).toMatch(/ 1,047,576 +ga$/);
    expect(row(table, 'command-r-plus', 'bedrock')).toMatch(/cohere\.command-r-plus-v1:0 +- +- +- +- +ga$/);
  });

  it('marks the global-endpoint price where it differs', async () => {
    const table = await catalog('--provider', 'bedrock');
    expect(row(table, 'claude-sonnet-4-5', 'bedrock')).toContain(
      '3.30 (g 3.00)  16.50 (g 15.00)  0.33 (g 0.30)',
    );
    expect(table).not.toContain(' openai ');
  });

  it('filters by provider and prints every field as JSON', async () => {
    const entries = JSON.parse(await catalog('--provider', 'vertex', '--json')) as Array<
      Record<string, unknown>
    >;
    expect(new Set(entries.map((entry) => entry['provider']))).toEqual(new Set(['vertex']));
    expect(entries.find((entry) => entry['id'] === 'gemini-2.5-pro')).toMatchObject({
      upstreamIds: ['gemini-2.5-pro'],
      price: { input: 1.25, longContext: { aboveInputTokens: 200000, input: 2.5 }, checked: '2026-11-25' },
      lifecycle: { status: 'ga' },
    });
  });

  it('explains itself with --help', async () => {
    const help = await catalog('--help');
    expect(help).toContain('Usage: converge catalog [--provider <type>] [--json]');
    expect(help).toContain('bedrock, azure-openai, openai, vertex, gemini, anthropic');
  });

  it('refuses an unknown provider type and reports a broken catalog with its path', async () => {
    await expect(runCatalogCommand(['--provider', 'watsonx'])).rejects.toThrow(
      new CliError(
        "catalog: unknown provider type 'watsonx' (one of bedrock, azure-openai, openai, vertex, gemini, anthropic)",
      ),
    );
    const directory = join(root, 'broken');
    mkdirSync(directory, { recursive: true });
    const text = readFileSync(join(BUNDLED_CATALOG_DIRECTORY, 'gemini.yaml'), 'utf8').replace(
      'input: 0.3\n',
      'input: cheap\n',
    );
    writeFileSync(join(directory, 'gemini.yaml'), text);
    const failure = runCatalogCommand(['--dir', directory]);
    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(`${join(directory, 'gemini.yaml')}`);
    await expect(failure).rejects.toThrow(/models\[3\]\.price\.input: /);
  });
});
