/**
 * Something the target could not honour exactly. Warnings are returned to the caller in the
 * `x-converge-warnings` header (and in results), never applied silently.
 *
 * @example
 * { type: 'unsupported-setting', setting: 'seed', details: 'the target ignores seed' }
 */
export type Warning =
  | { type: 'unsupported-setting'; setting: string; details?: string }
  | { type: 'unsupported-tool'; toolName: string; details?: string }
  | { type: 'clamped-setting'; setting: string; from: number; to: number }
  | { type: 'deprecated-model'; model: string; replacement?: string }
  | { type: 'other'; message: string };

function describeWarning(warning: Warning): string {
  switch (warning.type) {
    case 'unsupported-setting':
      return `unsupported-setting=${warning.setting}`;
    case 'unsupported-tool':
      return `unsupported-tool=${warning.toolName}`;
    case 'clamped-setting':
      return `clamped-setting=${warning.setting}:${warning.from}->${warning.to}`;
    case 'deprecated-model':
      return `deprecated-model=${warning.model}${warning.replacement ? `->${warning.replacement}` : ''}`;
    case 'other':
      return `other=${warning.message}`;
  }
}

/** Renders warnings for the `x-converge-warnings` header: short, comma-separated, ASCII only. */
export function formatWarningsHeader(warnings: readonly Warning[]): string {
  return warnings
    .map(describeWarning)
    .join(', ')
    .replace(/[^\x20-\x7e]/g, '?');
}
