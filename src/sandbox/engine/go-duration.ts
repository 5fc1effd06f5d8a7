function trimDecimals(value: number): string {
  return String(Number(value.toFixed(3)));
}

/**
 * Formats milliseconds like Go's `time.Duration.String()`, which is what OpenAI's
 * `x-ratelimit-reset-*` headers carry.
 * @example formatGoDuration(6) // '6ms'
 * @example formatGoDuration(360_000) // '6m0s'
 * @example formatGoDuration(3_723_500) // '1h2m3.5s'
 */
export function formatGoDuration(milliseconds: number): string {
  if (!(milliseconds > 0)) return '0s';
  if (milliseconds < 1000) return `${trimDecimals(milliseconds)}ms`;
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const seconds = trimDecimals((milliseconds % 60_000) / 1000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
