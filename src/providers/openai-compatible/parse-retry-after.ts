export type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * Reads the upstream's retry hint in milliseconds: `retry-after-ms` (Azure, float ms) first, then
 * `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 *
 * @example
 * parseRetryAfter({ 'retry-after-ms': '250.5' }); // 251
 * parseRetryAfter({ 'retry-after': '2' }); // 2000
 */
export function parseRetryAfter(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(firstValue(headers['retry-after-ms']) ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds);
  const retryAfter = firstValue(headers['retry-after'])?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
