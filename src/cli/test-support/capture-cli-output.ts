import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

/**
 * Runs a command function with stdout captured; resolves to what it printed (it must exit 0).
 *
 * @example
 * const printed = await captureCliOutput(() => runTeamsCommand(['list', '--data-dir', dataDir]));
 */
export async function captureCliOutput(run: () => Promise<number>): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  let code: number;
  try {
    code = await run();
  } finally {
    spy.mockRestore();
  }
  if (code !== 0) throw new Error(`command exited with ${code}: ${chunks.join('')}`);
  return chunks.join('');
}

/**
 * A fresh temporary directory per call under one root that `cleanup` removes.
 *
 * @example
 * const dirs = createTemporaryDirectories('converge-teams-');
 * const dataDir = dirs.next();
 * afterAll(dirs.cleanup);
 */
export function createTemporaryDirectories(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let counter = 0;
  return {
    next: () => join(root, `data-${++counter}`),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into records — a test oracle independent
 * of the writer.
 *
 * @example
 * parseCsv('a,"b,c"\r\n'); // [['a', 'b,c']]
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index++;
    } else field += char;
  }
  if (field !== '' || record.length > 0)
    throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text)}`);
  return records;
}
