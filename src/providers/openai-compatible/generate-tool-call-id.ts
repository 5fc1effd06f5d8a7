import { randomUUID } from 'node:crypto';

/** An id for a tool call an upstream sent without one (some OpenAI-compatible servers do).  *
 * @example
 * generateToolCallId(); // 'call_3f2a9c…'
 */
export function generateToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
