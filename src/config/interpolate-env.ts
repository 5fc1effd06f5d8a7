/** Matches `${NAME}` and `${NAME:-fallback}`; `$${…}` escapes a literal `${…}`. */
const REFERENCE = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingEnvironmentError extends Error {
  constructor(
    readonly path: string,
    readonly variable: string,
  ) {
    super(`${path}: environment variable ${variable} is not set`);
    this.name = 'MissingEnvironmentError';
  }
}

/**
 * Replaces `${ENV}` references in every string of a parsed YAML document, so secrets live in the
 * environment rather than in the file. Unset variables without a fallback fail with their path.
 *
 * @example
 * interpolateEnv({ apiKey: '${OPENAI_API_KEY}' }, { OPENAI_API_KEY: 'sk-…' }) // { apiKey: 'sk-…' }
 */
export function interpolateEnv(value: unknown, environment: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (match, name: string, fallback: string | undefined) => {
      if (match.startsWith('$$')) return match.slice(1);
      const resolved = environment[name];
      if (resolved !== undefined && resolved !== '') return resolved;
      if (fallback !== undefined) return fallback;
      throw new MissingEnvironmentError(path || '(root)', name);
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, environment, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateEnv(item, environment, path === '' ? key : `${path}.${key}`);
    }
    return result;
  }
  return value;
}
