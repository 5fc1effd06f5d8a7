import Database from 'better-sqlite3';
import {
  type AwsKeyPairRecord,
  type AwsKeyPairStore,
  DuplicateKeyError,
  type NewAwsKeyPair,
  UnknownKeyError,
} from '../types.js';

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

function rethrowConstraint(error: unknown, pair: NewAwsKeyPair): never {
  if (error instanceof Database.SqliteError) {
    if (error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new UnknownKeyError(`no virtual key has the id ${pair.keyId}`);
    }
    if (error.code.startsWith('SQLITE_CONSTRAINT') && error.message.includes('access_key_id')) {
      throw new DuplicateKeyError(`the access key id ${pair.accessKeyId} is already in use`);
    }
  }
  throw error;
}

/**
 * AWS key pairs in the `aws_key_pairs` table (migration 2). `key_id` references `virtual_keys(id)`;
 * revoked rows stay, so a revoked access key id is never handed out again.
 *
 * @example
 * const pairs = new SqliteAwsKeyPairStore(openSqliteDatabase(':memory:'));
 * await pairs.findByAccessKeyId('CVG0000000000000000A');
 */
export class SqliteAwsKeyPairStore implements AwsKeyPairStore {
  private readonly insertRow: Database.Statement<[PairRow]>;
  private readonly selectOne: Database.Statement<[string], PairRow>;
  private readonly selectAll: Database.Statement<[], PairRow>;
  private readonly revokeOne: Database.Statement<[number, string]>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT INTO aws_key_pairs (${columns})
       VALUES (@access_key_id, @key_id, @sealed_secret, @created_at, @revoked_at)`,
    );
    this.selectOne = db.prepare(`SELECT ${columns} FROM aws_key_pairs WHERE access_key_id = ?`);
    this.selectAll = db.prepare(`SELECT ${columns} FROM aws_key_pairs ORDER BY seq`);
    this.revokeOne = db.prepare(
      'UPDATE aws_key_pairs SET revoked_at = ? WHERE access_key_id = ? AND revoked_at IS NULL',
    );
  }

  async insert(pair: NewAwsKeyPair): Promise<AwsKeyPairRecord> {
    const row: PairRow = {
      access_key_id: pair.accessKeyId,
      key_id: pair.keyId,
      sealed_secret: pair.sealedSecret,
      created_at: Date.now(),
      revoked_at: null,
    };
    try {
      this.insertRow.run(row);
    } catch (error: unknown) {
      rethrowConstraint(error, pair);
    }
    return toRecord(row);
  }

  async findByAccessKeyId(accessKeyId: string): Promise<AwsKeyPairRecord | undefined> {
    const row = this.selectOne.get(accessKeyId);
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<AwsKeyPairRecord[]> {
    return this.selectAll.all().map(toRecord);
  }

  async revoke(accessKeyId: string, at: number = Date.now()): Promise<boolean> {
    return this.revokeOne.run(at, accessKeyId).changes > 0;
  }
}
