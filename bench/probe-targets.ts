import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import type { ConvergeObservations } from './bench-results.js';
import { BENCH_BODIES, type BenchTarget, CONVERGE_KEY } from './bench-targets.js';
import { CHAT_PATH } from './run-step.js';

export interface ProbeOutcome {
  chat: number;
  stream: number;
  headers: Record<string, string>;
}

async function send(target: BenchTarget, body: string) {
  const response = await request(`${target.origin('fast')}${CHAT_PATH}`, {
    method: 'POST',
    headers: target.headers('fast'),
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

/** One non-streamed and one streamed request per target before the load: does it answer at all? */
export async function probeTarget(target: BenchTarget): Promise<ProbeOutcome> {
  const chat = await send(target, BENCH_BODIES.chat);
  const stream = await send(target, BENCH_BODIES.stream);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(chat.headers)) {
    if (name.startsWith('x-converge-') && typeof value === 'string') headers[name] = value;
  }
  const streamOk = stream.status === 200 && stream.text.includes('data: [DONE]');
  return { chat: chat.status, stream: streamOk ? 200 : stream.status === 200 ? 0 : stream.status, headers };
}

/** Overhead and event-loop lines of Converge's `/metrics`, or null while it serves none. */
export async function readConvergeMetrics(origin: string): Promise<string[] | null> {
  try {
    const response = await request(`${origin}/metrics`, {
      headers: { authorization: `Bearer ${CONVERGE_KEY}` },
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 || !text.includes('converge_')) return null;
    return text
      .split('\n')
      .filter((line) => /^converge_(overhead_seconds_(sum|count)|event_loop)/.test(line))
      .slice(0, 12);
  } catch {
    return null;
  }
}

/** Usage rows in Converge's SQLite file (read after it stopped and flushed). */
export function countUsageRows(dataDir: string): number | null {
  const path = join(dataDir, 'converge.db');
  if (!existsSync(path)) return null;
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS count FROM usage').get() as { count: number } | undefined;
    return row?.count ?? null;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

export function emptyObservations(headers: Record<string, string>): ConvergeObservations {
  return { headers, usageRows: null, metrics: null };
}
