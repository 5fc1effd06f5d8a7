import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export const VERSION: string = (() => {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      'version' in parsed &&
      typeof parsed.version === 'string'
    ) {
      return parsed.version;
    }
  } catch {
    // Fall through: a missing package.json only costs the version string.
  }
  return '0.0.0';
})();

/** An error meant for the terminal: printed without a stack, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into CliErrors that name the command. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error: unknown) {
    throw new CliError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid port: ${value}`);
  return port;
}

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A duration such as `90m`, `12h`, `30d`, `52w` in milliseconds; a CliError otherwise.
 *
 * @example
 * parseDuration('24h'); // 86_400_000
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : DURATION_UNITS[match[2]];
  if (match === null || unit === undefined)
    throw new CliError(`invalid duration '${text}' (use e.g. 12h, 30d, 52w)`);
  return Number(match[1]) * unit;
}

export interface TableOptions {
  /** Column indexes whose cells are right-aligned (numbers). */
  alignRight?: readonly number[];
  /** Rows printed after a second rule, such as a TOTAL line. */
  footer?: string[][];
}

/**
 * Renders rows as an aligned plain-text table.
 *
 * @example
 * formatTable(['NAME', 'COST'], [['a', '1.50']], { alignRight: [1], footer: [['TOTAL', '1.50']] });
 */
export function formatTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  const footer = options.footer ?? [];
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...[...rows, ...footer].map((row) => (row[column] ?? '').length)),
  );
  const right = new Set(options.alignRight ?? []);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = line(widths.map((width) => '─'.repeat(width)));
  const footerLines = footer.length === 0 ? [] : [rule, ...footer.map(line)];
  return [line(headers), rule, ...rows.map(line), ...footerLines].join('\n') + '\n';
}
