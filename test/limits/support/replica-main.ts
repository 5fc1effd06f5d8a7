/**
 * One gateway replica in its own process, for the multi-replica test: the config file's providers,
 * limits (Redis) and keys — looked up in the SQLite store under `storage.dataDir`, which every
 * replica shares the way a cluster shares PostgreSQL — and a clock the test sets with
 * `PUT /__test/clock?ms=…`, so minute windows are exact in every process.
 *
 *   tsx test/limits/support/replica-main.ts <config.json> <clock-ms>
 *
 * Prints `LISTENING <url>` once ready; SIGTERM drains and exits.
 */
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { parseConfig } from '../../../src/config/load-config.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { safeParseJson } from '../../../src/core/safe-parse-json.js';
import { createHttpClient } from '../../../src/providers/http/http-client.js';
import { buildProviders } from '../../../src/server/build-providers.js';
import { openStorage } from '../../../src/storage/open-storage.js';
import { startLimitedGateway } from './start-limited-gateway.js';

const [configPath, clockArgument] = process.argv.slice(2);
if (configPath === undefined || clockArgument === undefined)
  throw new Error('usage: replica-main <config> <clock-ms>');
const parsed = safeParseJson(await readFile(configPath, 'utf8'));
if (!parsed.success) throw parsed.error;
const document = parsed.value as ConfigInput;
const config = parseConfig(document, configPath);
const log = pino({ level: 'warn' }, pino.destination(2));
const storage = await openStorage({ type: 'sqlite', dataDir: config.storage.dataDir });
const http = createHttpClient();
const { providers } = await buildProviders(config, http, log);

let now = Number(clockArgument);
const running = await startLimitedGateway({
  config: document,
  providers,
  keyStore: storage.keys,
  clock: () => now,
  log,
  registerRoutes(app) {
    app.put('/__test/clock', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      now = Number(query['ms']);
      return reply.code(204).send();
    });
  },
});
process.stdout.write(`LISTENING ${running.url}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await running.close();
    await http.close();
    await storage.close();
    process.exit(0);
  })();
});
