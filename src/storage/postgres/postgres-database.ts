import { type CustomTypesConfig, DatabaseError, Pool, type PoolClient, type QueryResultRow, types } from 'pg';

/** How a Converge process talks to PostgreSQL. Every field but `url` has a default. */
export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:5432/database`; the usual libpq URL parameters apply. */
  url: string;
  /** Connections kept by this process (default 10). */
  poolSize?: number;
  /**
   * Schema holding Converge's tables (default: the server's search_path, usually `public`). Created
   * on open if missing. Lowercase letters, digits and `_`; several processes share data by naming the same one.
   */
  schema?: string;
  /** Server-side limit per statement (default 5,000 ms); migrations get their own, longer one. */
  statementTimeoutMs?: number;
  /** Client-side limit per query, covering a silent network (default: `statementTimeoutMs` + 1,000 ms). */
  queryTimeoutMs?: number;
  /** How long to wait for a new connection or a free pooled one (default 2,000 ms). */
  connectionTimeoutMs?: number;
  /**
   * Called when an idle pooled connection dies (PostgreSQL restarted, network cut). The pool has
   * already dropped it; the next query opens a new one. Default: ignored.
   */
  onError?: (error: Error) => void;
}

/** The part of a connection the stores use: one parameterised statement at a time. */
export interface PostgresQueryable {
  query<Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

const int8Oid = 20;
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** BIGINT (epoch ms, nano-dollars, counts) as a JS number; refuses silently losing precision. */
function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`the BIGINT ${text} does not fit a JS number`);
  return value;
}

const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid && format !== 'binary'
      ? parseSafeInteger
      : types.getTypeParser(oid, format ?? 'text')) as CustomTypesConfig['getTypeParser'],
};

/**
 * Checks a schema name before it is spliced into SQL and connection options.
 *
 * @example
 * assertSchemaName('converge'); // ok
 * assertSchemaName('Robert"; DROP'); // throws
 */
export function assertSchemaName(schema: string): void {
  if (!schemaNamePattern.test(schema)) {
    throw new Error(`the PostgreSQL schema name "${schema}" must match ${schemaNamePattern}`);
  }
}

/** A server-reported error (constraint, syntax …): the connection itself is still healthy. */
function isServerError(error: unknown): boolean {
  return error instanceof DatabaseError;
}

/**
 * A `pg.Pool` with the guards a gateway needs: bounded connect and query times (so an outage makes
 * calls fail fast instead of hang), BIGINT parsed to numbers, the schema set per connection, pool
 * errors caught, and a clear error once closed. The same object recovers by itself when the server
 * comes back.
 *
 * @example
 * const database = new PostgresDatabase({ url: 'postgres://postgres@127.0.0.1:5432/test' });
 * const rows = await database.query<{ one: number }>('SELECT 1 AS one');
 * await database.close();
 */
export class PostgresDatabase implements PostgresQueryable {
  readonly schema: string | undefined;
  private readonly pool: Pool;
  private closed = false;

  constructor(options: PostgresDatabaseOptions) {
    if (options.schema !== undefined) assertSchemaName(options.schema);
    this.schema = options.schema;
    const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000,
      statement_timeout: statementTimeoutMs,
      query_timeout: options.queryTimeoutMs ?? statementTimeoutMs + 1000,
      // A connection lost mid-transaction must not hold row locks for long.
      idle_in_transaction_session_timeout: Math.max(statementTimeoutMs * 2, 10_000),
      keepAlive: true,
      application_name: 'converge',
      types: typeParsers,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    const onError = options.onError ?? (() => {});
    this.pool.on('error', (error: Error) => onError(error));
  }

  async query<Row extends QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    this.assertOpen();
    const result = await this.pool.query<Row>(text, values as unknown[]);
    return result.rows;
  }

  /**
   * Runs `work` inside BEGIN … COMMIT on one connection, rolling back when it throws. A connection
   * that failed (rather than a statement the server refused) is discarded, not reused.
   * `timeoutMs` replaces both timeouts for this transaction's statements (migrations run long DDL).
   */
  async transaction<T>(work: (connection: PostgresQueryable) => Promise<T>, timeoutMs?: number): Promise<T> {
    this.assertOpen();
    const client = await this.pool.connect();
    // While checked out the pool no longer listens; a socket dying between statements must not crash.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      const result = await this.runTransaction(client, work, timeoutMs);
      client.removeListener('error', ignore);
      client.release();
      return result;
    } catch (error: unknown) {
      client.removeListener('error', ignore);
      await this.releaseAfterFailure(client, error);
      throw error;
    }
  }

  /** Ends the pool. Idempotent; queries made afterwards fail with "not open". */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async runTransaction<T>(
    client: PoolClient,
    work: (connection: PostgresQueryable) => Promise<T>,
    timeoutMs: number | undefined,
  ): Promise<T> {
    // pg's client-side timeout is per query; a migration's long DDL needs it raised too.
    const queryTimeout = timeoutMs === undefined ? {} : { query_timeout: timeoutMs };
    const connection: PostgresQueryable = {
      query: async <Row extends QueryResultRow>(text: string, values: readonly unknown[] = []) =>
        (await client.query<Row>({ text, values: values as unknown[], ...queryTimeout })).rows,
    };
    await connection.query('BEGIN');
    if (timeoutMs !== undefined)
      await connection.query(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  }

  private async releaseAfterFailure(client: PoolClient, error: unknown): Promise<void> {
    if (!isServerError(error)) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (rollbackError: unknown) {
      client.release(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL storage is not open (it was closed)');
  }
}
