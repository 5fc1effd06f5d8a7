import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createKeyResolver, type KeyResolver } from '../pipeline/auth/key-resolver.js';
import { createSecretBox } from '../security/secret-box.js';
import { openStorage, type Storage, type StorageOptions } from '../storage/open-storage.js';
import type { Role } from '../storage/types.js';
import { issueKeySecret } from './find-visible-key.js';
import { ADMIN_PREFIX, registerAdminRoutes } from './register-admin-routes.js';

export interface AdminResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields.
  body: any;
  text: string;
}

export interface AdminCallOptions {
  /** The key to send as Bearer; the master key by default, null for none. */
  key?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface AdminTestServer {
  url: string;
  app: FastifyInstance;
  storage: Storage;
  resolver: KeyResolver;
  masterKey: string;
  /** Every log line written, to check no secret ever reaches a log. */
  logLines: string[];
  /** Every route Fastify registered (method and URL), seen through its `onRoute` hook. */
  registeredRoutes: { method: string; url: string }[];
  /** How many times `onChange` ran. */
  changes(): number;
  /** Calls `${ADMIN_PREFIX}${path}` and reads the JSON answer. */
  call(method: string, path: string, options?: AdminCallOptions): Promise<AdminResponse>;
  /** Puts a key straight into the store (bootstrapping the callers of a test). */
  seedKey(options: {
    role: Role;
    teamId?: string | null;
    name?: string;
    expiresAt?: number | null;
  }): Promise<{
    id: string;
    secret: string;
  }>;
  close(): Promise<void>;
}

/**
 * A real listening Fastify server on 127.0.0.1 with only the admin routes, over a store (memory by
 * default) and the gateway's own key resolver (so `onChange` really refreshes what authenticates).
 *
 * @example
 * const server = await startAdminTestServer();
 * const { body } = await server.call('POST', '/teams', { body: { name: 'research' } });
 */
export async function startAdminTestServer(
  options: { storage?: StorageOptions } = {},
): Promise<AdminTestServer> {
  const storage = await openStorage(options.storage ?? { type: 'memory' });
  const box = createSecretBox(randomBytes(32));
  const resolver = createKeyResolver(storage.keys, {
    teams: storage.teams,
    awsKeyPairs: storage.awsKeyPairs,
    openSecretBox: () => box,
  });
  const logLines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  const masterKey = `master-${randomBytes(16).toString('hex')}`;
  let changeCount = 0;
  const app = Fastify({ logger: false });
  const registeredRoutes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });
  registerAdminRoutes(app, {
    storage,
    masterKey,
    log,
    authenticate: (secret) => resolver.resolve(secret),
    onChange: async () => {
      changeCount++;
      await resolver.invalidate();
    },
    openSecretBox: () => box,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  async function call(method: string, path: string, options: AdminCallOptions = {}): Promise<AdminResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? masterKey : options.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${ADMIN_PREFIX}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: text === '' ? undefined : JSON.parse(text),
    };
  }

  let seeded = 0;
  return {
    url,
    app,
    storage,
    resolver,
    masterKey,
    logLines,
    registeredRoutes,
    changes: () => changeCount,
    call,
    async seedKey(options) {
      const { secret, hash, prefix } = issueKeySecret();
      seeded++;
      const record = await storage.keys.insert({
        name: options.name ?? `seed-${seeded}-${randomBytes(3).toString('hex')}`,
        hash,
        prefix,
        source: 'issued',
        role: options.role,
        teamId: options.teamId ?? null,
        expiresAt: options.expiresAt ?? null,
      });
      await resolver.invalidate();
      return { id: record.id, secret };
    },
    async close() {
      resolver.close();
      await app.close();
      await storage.close();
    },
  };
}
