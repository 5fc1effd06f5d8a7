export type JsonParseResult = { success: true; value: unknown } | { success: false; error: Error };

const PROTO_KEY = '__proto__';

// Cheap pre-check: only texts that mention these keys need the scrubbing walk. A `\u` escape can
// spell either key (`"\u005f_proto__"`), so any text holding one is walked too.
const SUSPICIOUS_KEY = /"(?:__proto__|constructor)"\s*:|\\u/;

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
    // JSON.parse makes `__proto__` an own data property; delete that, never touch the prototype.
    if (Object.hasOwn(record, PROTO_KEY)) Reflect.deleteProperty(record, PROTO_KEY);
    const constructorValue = Object.hasOwn(record, 'constructor') ? record['constructor'] : undefined;
    if (typeof constructorValue === 'object' && constructorValue !== null) {
      Reflect.deleteProperty(constructorValue, 'prototype');
    }
    for (const key in record) pending.push(record[key]);
  }
}
