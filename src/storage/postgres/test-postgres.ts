import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL the tests use: `DATABASE_URL`, else the local trust-auth server. */
export const testPostgresUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgresSchema {
  url: string;
  /** A fresh schema name, e.g. `cvg_test_k3j9x2…`; not created until a storage opens it. */
  schema: string;
  /** Drops the schema and everything in it (idempotent). */
  drop(): Promise<void>;
}

/**
 * A unique schema name on the test PostgreSQL, so test files (and processes sharing one schema
 * through config) never see each other's rows. Pass `url` and `schema` to `openPostgresStorage`.
 *
 * @example
 * const target = createTestPostgresSchema();
 * const storage = await openPostgresStorage({ url: target.url, schema: target.schema });
 * // …
 * await storage.close();
 * await target.drop();
 */
export function createTestPostgresSchema(url: string = testPostgresUrl): TestPostgresSchema {
  const schema = `cvg_test_${randomBytes(8).toString('hex')}`;
  return {
    url,
    schema,
    async drop() {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
