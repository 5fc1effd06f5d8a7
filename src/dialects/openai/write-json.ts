import type { RawResponse } from '../dialect-writer.js';

/** Writes a complete JSON response; `writeHead` merges with headers the exchange already set. */
export function writeJson(
  response: RawResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(json)),
  });
  response.end(json);
}
