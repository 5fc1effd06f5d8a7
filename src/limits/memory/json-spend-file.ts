import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { safeParseJson } from '../../core/safe-parse-json.js';

const periodSpendSchema = z.object({ period: z.string(), micros: z.number().int().nonnegative() });

const spendSnapshotSchema = z.object({
  version: z.literal(1),
  scopes: z.record(
    z.string(),
    z.object({ day: periodSpendSchema.optional(), month: periodSpendSchema.optional() }),
  ),
});

/** Budget spend per scope for the current day and month (UTC), as persisted between restarts. */
export type SpendSnapshot = z.infer<typeof spendSnapshotSchema>;

/** Where the memory store keeps its spend so a restart does not reset a day's or month's budget. */
export interface SpendPersistence {
  /** The last saved snapshot, or undefined when there is none (first start). */
  load(): Promise<SpendSnapshot | undefined>;
  save(snapshot: SpendSnapshot): Promise<void>;
}

/**
 * A small JSON file holding the spend snapshot. Writes go to a temporary file that is then renamed
 * over the old one, so a crash mid-write leaves the previous snapshot intact. An unreadable file is
 * an error rather than a silent reset to zero spend.
 *
 * @example
 * const persistence = createJsonSpendFile('./.converge/limit-spend.json');
 * const store = await MemoryLimitStore.open({ persistence, persistIntervalMs: 10_000 });
 */
export function createJsonSpendFile(path: string): SpendPersistence {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error: unknown) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = safeParseJson(text);
      const snapshot = parsed.success ? spendSnapshotSchema.safeParse(parsed.value) : undefined;
      if (snapshot?.success !== true) throw new Error(`${path}: not a valid limit spend snapshot`);
      return snapshot.data;
    },
    async save(snapshot) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(snapshot)}\n`, 'utf8');
      await rename(temporary, path);
    },
  };
}
