import { describe, expect, it } from 'vitest';
import { safeParseJson } from './safe-parse-json.js';

describe('safeParseJson', () => {
  it('parses valid JSON and reports invalid JSON without throwing', () => {
    expect(safeParseJson('{"a":[1,2]}')).toEqual({ success: true, value: { a: [1, 2] } });
    const failed = safeParseJson('{"a":');
    expect(failed.success).toBe(false);
    if (!failed.success) expect(failed.error).toBeInstanceOf(SyntaxError);
  });

  it('removes __proto__ keys and constructor.prototype at any depth', () => {
    const parsed = safeParseJson(
      '{"__proto__":{"x":1},"list":[{"__proto__":{"y":2}}],"nested":{"constructor":{"prototype":{"z":3},"keep":true}}}',
    );
    if (!parsed.success) throw parsed.error;
    const value = parsed.value as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(false);
    expect(Object.assign({}, value)).not.toHaveProperty('x');
    expect(JSON.stringify(value)).toBe('{"list":[{}],"nested":{"constructor":{"keep":true}}}');
  });
});
