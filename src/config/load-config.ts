import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { interpolateEnv, MissingEnvironmentError } from './interpolate-env.js';
import { type Config, configSchema } from './schema.js';

/** A config that failed validation; `issues` are `path: message` lines ready to print. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`Invalid configuration in ${source}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((segment) =>
    typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`,
  );
  const joined = path.join('').replace(/^\./, '') || '(root)';
  return `${joined}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Rules zod cannot see: cross-references (deployments → providers, models → deployments), exclusive fields. */
function checkReferences(config: Config): string[] {
  const issues: string[] = [];
  for (const [name, provider] of Object.entries(config.providers)) {
    if (
      provider.type === 'azure-openai' &&
      (provider.apiKey === undefined) === (provider.auth === undefined)
    ) {
      issues.push(`providers.${name}: give exactly one of apiKey or auth`);
    }
  }
  for (const [name, deployment] of Object.entries(config.deployments)) {
    if (!(deployment.provider in config.providers)) {
      issues.push(`deployments.${name}.provider: unknown provider "${deployment.provider}"`);
    }
  }
  const seen = new Set<string>();
  for (const [name, model] of Object.entries(config.models)) {
    model.deployments.forEach((deployment, index) => {
      if (!(deployment in config.deployments)) {
        issues.push(`models.${name}.deployments[${index}]: unknown deployment "${deployment}"`);
      }
    });
    for (const alias of [name, ...model.aliases]) {
      if (seen.has(alias)) issues.push(`models.${name}: the name or alias "${alias}" is used twice`);
      seen.add(alias);
    }
  }
  return issues;
}

/** Validates an already-parsed document (YAML or object) and returns a frozen, typed config. */
export function parseConfig(document: unknown, source: string, environment = process.env): Config {
  let interpolated: unknown;
  try {
    interpolated = interpolateEnv(document ?? {}, environment);
  } catch (error: unknown) {
    if (error instanceof MissingEnvironmentError) throw new ConfigError(source, [error.message]);
    throw error;
  }
  const result = configSchema.safeParse(interpolated);
  if (!result.success) throw new ConfigError(source, result.error.issues.map(formatIssue));
  const references = checkReferences(result.data);
  if (references.length > 0) throw new ConfigError(source, references);
  return deepFreeze(result.data);
}

/** Reads, interpolates and validates a YAML config file. */
export async function loadConfigFile(path: string, environment = process.env): Promise<Config> {
  const text = await readFile(path, 'utf8');
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error: unknown) {
    throw new ConfigError(path, [`YAML syntax: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseConfig(document, path, environment);
}
