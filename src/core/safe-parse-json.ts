export type JsonParseResult = { success: true; value: unknown } | { success: false; error: Error };

// Cheap pre-check: only texts that mention these keys need the scrubbing walk.
const SUSPICIOUS_KEY = /"(?:__proto__|constructor)"\s*:/;

/**
 * Parses untrusted JSON without throwing. Own `__proto__` keys and `constructor.prototype` are
 * removed, so a later `Object.assign` or deep merge of the value cannot pollute prototypes.
 *
 * @example
 * const parsed = safeParseJson('{"a":1}');
 * if (parsed.success) console.log(parsed.value); // { a: 1 }
 */
export function safeParseJson(text: string): JsonParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    return { success: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
  if (SUSPICIOUS_KEY.test(text)) scrubPrototypeKeys(value);
  return { success: true, value };
}

function scrubPrototypeKeys(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, '__proto__')) delete record['__proto__'];
    const constructor = Object.hasOwn(record, 'constructor') ? record['constructor'] : undefined;
    if (typeof constructor === 'object' && constructor !== null && Object.hasOwn(constructor, 'prototype')) {
      delete (constructor as Record<string, unknown>)['prototype'];
    }
    for (const key in record) pending.push(record[key]);
  }
}
