import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG_PROVIDER_TYPES } from './catalog-schema.js';
import { BUNDLED_CATALOG_DIRECTORY, CatalogError, loadCatalog, parseCatalogFile } from './load-catalog.js';

const root = mkdtempSync(join(tmpdir(), 'converge-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A catalog directory holding the given files (name → text). */
function directoryWith(files: Record<string, string>): string {
  counter++;
  const directory = join(root, `catalog-${counter}`);
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

const bundled = (name: string) => readFileSync(join(BUNDLED_CATALOG_DIRECTORY, name), 'utf8');

describe('the bundled catalog', () => {
  const catalog = loadCatalog();

  it('has one valid file per provider type, each with entries', () => {
    expect([...catalog.providerTypes()].sort()).toEqual([...CATALOG_PROVIDER_TYPES].sort());
    for (const type of CATALOG_PROVIDER_TYPES) expect(catalog.models(type).length).toBeGreaterThan(5);
  });

  it.each([
    // The comparison's models, on each cloud that offers them.
    ['bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet'],
    ['bedrock', 'anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['bedrock', 'meta.llama3-1-8b-instruct-v1:0', 'llama3-1-8b-instruct'],
    ['bedrock', 'meta.llama3-1-70b-instruct-v1:0', 'llama3-1-70b-instruct'],
    ['bedrock', 'meta.llama3-1-405b-instruct-v1:0', 'llama3-1-405b-instruct'],
    ['bedrock', 'meta.llama3-2-90b-instruct-v1:0', 'llama3-2-90b-instruct'],
    ['bedrock', 'meta.llama3-3-70b-instruct-v1:0', 'llama3-3-70b-instruct'],
    ['bedrock', 'mistral.mistral-large-2407-v1:0', 'mistral-large-2407'],
    ['bedrock', 'cohere.command-r-plus-v1:0', 'command-r-plus'],
    ['bedrock', 'amazon.titan-text-express-v1', 'titan-text-express'],
    ['bedrock', 'amazon.titan-embed-text-v2:0', 'titan-embed-text-v2'],
    ['azure-openai', 'gpt-4o', 'gpt-4o'],
    ['azure-openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['azure-openai', 'o1', 'o1'],
    ['azure-openai', 'o3-mini', 'o3-mini'],
    ['azure-openai', 'dall-e-3', 'dall-e-3'],
    ['azure-openai', 'whisper', 'whisper'],
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'whisper-1', 'whisper-1'],
    ['vertex', 'gemini-1.5-pro', 'gemini-1.5-pro'],
    ['vertex', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['vertex', 'claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['gemini', 'gemini-1.5-pro', 'gemini-1.5-pro'],
    ['gemini', 'gemini-2.0-flash', 'gemini-2.0-flash'],
    ['anthropic', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    // Current replacements.
    ['bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['bedrock', 'anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['bedrock', 'amazon.nova-pro-v1:0', 'nova-pro'],
    ['azure-openai', 'gpt-4.1-nano', 'gpt-4.1-nano'],
    ['azure-openai', 'gpt-5-mini', 'gpt-5-mini'],
    ['openai', 'gpt-5', 'gpt-5'],
    ['openai', 'text-embedding-3-large', 'text-embedding-3-large'],
    ['vertex', 'gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gemini', 'gemini-2.5-flash', 'gemini-2.5-flash'],
    ['anthropic', 'claude-opus-4-5', 'claude-opus-4-5'],
  ] as const)('%s serves %s as %s', (provider, upstreamId, id) => {
    expect(catalog.find(provider, upstreamId)?.model.id).toBe(id);
  });

  it('names replacements that are still served, and lifecycle dates where the sources give them', () => {
    for (const type of catalog.providerTypes()) {
      for (const model of catalog.models(type)) {
        const replacement = model.lifecycle.replacement;
        if (replacement === undefined) continue;
        expect(catalog.byId(type, replacement)?.lifecycle.status, `${type}/${model.id}`).not.toBe('retired');
      }
    }
    expect(catalog.byId('bedrock', 'claude-3-5-haiku')?.lifecycle).toMatchObject({
      status: 'retired',
      retires: '2026-06-19',
      replacement: 'claude-haiku-4-5',
    });
    expect(catalog.byId('azure-openai', 'o3-mini')?.lifecycle.retires).toBe('2026-08-02');
  });

  it('records long-context tiers, 1-hour cache writes and the global premium where they exist', () => {
    expect(catalog.byId('vertex', 'gemini-2.5-pro')?.price?.longContext).toMatchObject({
      aboveInputTokens: 200000,
      input: 2.5,
      output: 15,
    });
    expect(catalog.byId('anthropic', 'claude-sonnet-4')?.price?.longContext).toMatchObject({
      input: 6,
      output: 22.5,
    });
    expect(catalog.byId('anthropic', 'claude-haiku-4-5')?.price).toMatchObject({
      cacheWrite5m: 1.25,
      cacheWrite1h: 2,
    });
    const sonnet = catalog.byId('bedrock', 'claude-sonnet-4-5');
    expect([sonnet?.price?.input, sonnet?.globalPrice?.input]).toEqual([3.3, 3]);
    expect(catalog.byId('bedrock', 'mistral-large-2407')?.price?.confidence).toBe('unsure');
  });
});

describe('a broken catalog file', () => {
  it('fails with the file and the path of every problem', () => {
    const text = bundled('openai.yaml')
      .replace('      input: 2.5\n', '      input: -2.5\n')
      .replace('    contextWindow: 128000\n', '    contextWindow: 128000\n    contextWindw: 1\n');
    const directory = directoryWith({ 'openai.yaml': text });
    let caught: unknown;
    try {
      loadCatalog(directory);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CatalogError);
    const error = caught as CatalogError;
    expect(error.file).toBe(join(directory, 'openai.yaml'));
    expect(error.message).toContain(join(directory, 'openai.yaml'));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^models\[0\]\.price\.input: /),
        expect.stringMatching(/^models\[0\]: Unrecognized key: "contextWindw"/),
      ]),
    );
  });

  it.each([
    [
      'a price with 7 decimals',
      (text: string) => text.replace('input: 0.15\n', 'input: 0.1500001\n'),
      'at most 6 decimal places',
    ],
    [
      'a duplicated upstream id',
      (text: string) => text.replace('[o1, o1-2024-12-17]', '[o1, gpt-4o]'),
      'is already listed by "gpt-4o"',
    ],
    [
      'a replacement that does not exist',
      (text: string) => text.replace('status: ga\n', 'status: deprecated\n      replacement: gpt-9\n'),
      'no model with id "gpt-9"',
    ],
    [
      'a chat price without output',
      (text: string) => text.replace('      output: 10\n', ''),
      'a chat price needs output',
    ],
    [
      'a bad date',
      (text: string) => text.replace('checked: 2026-11-25', 'checked: 25/11/2026'),
      'YYYY-MM-DD',
    ],
    [
      'an unknown lifecycle status',
      (text: string) => text.replace('status: ga', 'status: sunset'),
      'lifecycle.status',
    ],
    ['invalid YAML', (text: string) => `${text}\n  - : [`, '(yaml)'],
  ])('rejects %s', (_name, edit, message) => {
    const file = join(directoryWith({}), 'openai.yaml');
    expect(() => parseCatalogFile(edit(bundled('openai.yaml')), file)).toThrow(message);
  });

  it('rejects a file whose provider does not match its name, and an empty directory', () => {
    expect(() => parseCatalogFile(bundled('openai.yaml'), '/x/azure-openai.yaml')).toThrow(
      'does not match the file name "azure-openai"',
    );
    expect(() => loadCatalog(directoryWith({ 'README.md': 'no yaml here' }))).toThrow('no catalog files');
  });
});
