import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { type CatalogFile, catalogFileSchema } from './catalog-schema.js';
import { ModelCatalog } from './model-catalog.js';

/** The catalog shipped with Converge: `data/catalog/` next to `src/` (and `dist/`). */
export const BUNDLED_CATALOG_DIRECTORY = fileURLToPath(new URL('../../data/catalog/', import.meta.url));

/** A catalog file that does not parse or validate; `issues` are `path: message` lines. */
export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`Invalid model catalog file ${file}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`))
    .join('')
    .replace(/^\./, '');
  return `${path || '(root)'}: ${issue.message}`;
}

/**
 * Parses and validates one catalog file's text. The file name (without `.yaml`) must be the
 * provider type it declares, so `converge catalog --provider x` and the file agree.
 *
 * @example
 * parseCatalogFile(readFileSync('data/catalog/openai.yaml', 'utf8'), 'data/catalog/openai.yaml');
 */
export function parseCatalogFile(text: string, file: string): CatalogFile {
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch (error: unknown) {
    const message = error instanceof YAMLParseError ? error.message : String(error);
    throw new CatalogError(file, [`(yaml): ${message}`]);
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogError(file, parsed.error.issues.map(formatIssue));
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.provider !== expected) {
    throw new CatalogError(file, [
      `provider: "${parsed.data.provider}" does not match the file name "${expected}"`,
    ]);
  }
  return parsed.data;
}

/**
 * Loads and validates every `*.yaml` of a catalog directory (the bundled one by default). Runs at
 * start and in a test over the shipped files, so a broken price file fails early with its path.
 *
 * @example
 * const catalog = loadCatalog();
 * catalog.models('vertex').length;
 */
export function loadCatalog(directory: string = BUNDLED_CATALOG_DIRECTORY): ModelCatalog {
  const names = readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (names.length === 0) throw new CatalogError(directory, ['(directory): no catalog files']);
  return new ModelCatalog(
    names.map((name) => parseCatalogFile(readFileSync(join(directory, name), 'utf8'), join(directory, name))),
  );
}

let bundled: ModelCatalog | undefined;

/** The bundled catalog, loaded once per process. */
export function loadBundledCatalog(): ModelCatalog {
  bundled ??= loadCatalog();
  return bundled;
}
