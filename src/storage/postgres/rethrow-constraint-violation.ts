import { DatabaseError } from 'pg';
import { DuplicateKeyError, UnknownKeyError } from '../types.js';

const uniqueViolation = '23505';
const foreignKeyViolation = '23503';

/** What to say when a given constraint is violated, by constraint (index) name. */
export type ConstraintMessages = Readonly<Record<string, string>>;

/**
 * Turns a UNIQUE violation into `DuplicateKeyError` and a FOREIGN KEY violation into
 * `UnknownKeyError`, with the message registered for the constraint; rethrows anything else.
 *
 * @example
 * try {
 *   await database.query('INSERT INTO teams …', values);
 * } catch (error: unknown) {
 *   rethrowConstraintViolation(error, { teams_live_name: 'a live team named "x" already exists' });
 * }
 */
export function rethrowConstraintViolation(error: unknown, messages: ConstraintMessages): never {
  if (error instanceof DatabaseError && error.constraint !== undefined) {
    const message = messages[error.constraint] ?? error.message;
    if (error.code === uniqueViolation) throw new DuplicateKeyError(message);
    if (error.code === foreignKeyViolation) throw new UnknownKeyError(message);
  }
  throw error;
}
