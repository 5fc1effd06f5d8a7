import type { AwsKeyPairRecord, AwsKeyPairStore, NewAwsKeyPair } from '../types.js';
import type { PostgresQueryable } from './postgres-database.js';
import { rethrowConstraintViolation } from './rethrow-constraint-violation.js';

interface PairRow {
  access_key_id: string;
  key_id: string;
  sealed_secret: string;
  created_at: number;
  revoked_at: number | null;
}

const columns = 'access_key_id, key_id, sealed_secret, created_at, revoked_at';

function toRecord(row: PairRow): AwsKeyPairRecord {
  return {
    accessKeyId: row.access_key_id,
    keyId: row.key_id,
    sealedSecret: row.sealed_secret,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * AWS key pairs in the `aws_key_pairs` table. `key_id` references `virtual_keys(id)`; revoked rows
 * stay, so a revoked access key id is never handed out again.
 *
 * @example
 * const pairs = new PostgresAwsKeyPairStore(database);
 * await pairs.findByAccessKeyId('CVG0000000000000000A');
 */
export class PostgresAwsKeyPairStore implements AwsKeyPairStore {
  constructor(private readonly database: PostgresQueryable) {}

  async insert(pair: NewAwsKeyPair): Promise<AwsKeyPairRecord> {
    try {
      const [row] = await this.database.query<PairRow>(
        `INSERT INTO aws_key_pairs (access_key_id, key_id, sealed_secret, created_at)
         VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
        [pair.accessKeyId, pair.keyId, pair.sealedSecret, Date.now()],
      );
      return toRecord(row as PairRow);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, {
        aws_key_pairs_access_key_id_key: `the access key id ${pair.accessKeyId} is already in use`,
        aws_key_pairs_key_id_fkey: `no virtual key has the id ${pair.keyId}`,
      });
    }
  }

  async findByAccessKeyId(accessKeyId: string): Promise<AwsKeyPairRecord | undefined> {
    const [row] = await this.database.query<PairRow>(
      `SELECT ${columns} FROM aws_key_pairs WHERE access_key_id = $1`,
      [accessKeyId],
    );
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<AwsKeyPairRecord[]> {
    const rows = await this.database.query<PairRow>(`SELECT ${columns} FROM aws_key_pairs ORDER BY seq`);
    return rows.map(toRecord);
  }

  async revoke(accessKeyId: string, at: number = Date.now()): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE aws_key_pairs SET revoked_at = $2 WHERE access_key_id = $1 AND revoked_at IS NULL RETURNING 1',
      [accessKeyId, at],
    );
    return rows.length > 0;
  }
}
