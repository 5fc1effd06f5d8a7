import { parentPort, workerData } from 'node:worker_threads';
import type { UsageRow } from '../types.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { prepareUsageInsert } from './sqlite-usage-insert.js';
import type { WriterReply, WriterRequest } from './sqlite-usage-writer.js';

/**
 * The usage writer thread (started by `SqliteUsageWriter`): its own connection to the gateway's
 * SQLite file, one transaction per batch it is sent, one reply per batch. The file is already
 * migrated by the main thread, so opening it here only checks the schema version.
 */
const port = parentPort;
if (port === null) throw new Error('sqlite-usage-write-worker must run as a worker thread');
const { path } = workerData as { path: string };
const db = openSqliteDatabase(path);
const insert = prepareUsageInsert(db);

port.on('message', (message: WriterRequest) => {
  if (message.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    insert(message.rows as UsageRow[]);
    reply = { id: message.id };
  } catch (error: unknown) {
    const { message: text, code } = error as { message?: unknown; code?: unknown };
    reply = {
      id: message.id,
      error: { message: String(text ?? error), code: typeof code === 'string' ? code : undefined },
    };
  }
  port.postMessage(reply);
});
