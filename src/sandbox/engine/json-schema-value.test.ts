import { describe, expect, it } from 'vitest';
import { checkJsonSchema } from '../testing/check-json-schema.js';
import { generateJsonValue, type JsonSchema } from './json-schema-value.js';
import { createPrng } from './prng.js';
import { CONTENT_WORDS } from './vocabulary.js';

function generate(schema: JsonSchema, seed = 1) {
  return generateJsonValue(schema, { prng: createPrng(seed), words: CONTENT_WORDS, root: schema });
}

const SCHEMAS: Record<string, JsonSchema> = {
  weather: {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1, maximum: 14 },
      detailed: { type: 'boolean' },
    },
    required: ['city', 'days'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    properties: {
      order: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          placed: { type: 'string', format: 'date-time' },
          lines: {
            type: 'array',
            minItems: 2,
            maxItems: 4,
            items: {
              type: 'object',
              properties: {
                sku: { type: 'string', maxLength: 6 },
                quantity: { type: 'number', exclusiveMinimum: 0, maximum: 5 },
              },
              required: ['sku', 'quantity'],
            },
          },
        },
        required: ['id', 'placed', 'lines'],
      },
      version: { const: 2 },
      contact: { type: 'string', format: 'email' },
    },
    required: ['order', 'version', 'contact'],
  },
  unions: {
    type: 'object',
    properties: {
      maybe: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 10, maximum: 20 }] },
      either: { oneOf: [{ type: 'string' }, { type: 'number' }] },
      typed: { type: ['string', 'null'] },
      stepped: { type: 'number', minimum: 0, maximum: 1, multipleOf: 0.25 },
    },
    required: ['maybe', 'either', 'typed', 'stepped'],
  },
  refs: {
    $defs: {
      point: {
        type: 'object',
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        required: ['x', 'y'],
      },
    },
    type: 'object',
    properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' } },
    required: ['from', 'to'],
  },
  allOf: {
    allOf: [
      { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      { properties: { age: { type: 'integer', minimum: 0, maximum: 120 } }, required: ['age'] },
    ],
  },
  recursive: {
    $defs: {
      node: {
        type: 'object',
        properties: {
          value: { type: 'integer' },
          children: { type: 'array', items: { $ref: '#/$defs/node' } },
        },
        required: ['value'],
      },
    },
    $ref: '#/$defs/node',
  },
};

describe('generateJsonValue', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`produces values valid against the ${name} schema for many seeds`, () => {
      for (let seed = 1; seed <= 50; seed++) {
        const value = generate(schema, seed);
        expect(checkJsonSchema(schema, value), JSON.stringify(value)).toEqual([]);
      }
    });
  }

  it('is deterministic per seed and varies across seeds', () => {
    expect(generate(SCHEMAS['weather'] ?? {}, 3)).toEqual(generate(SCHEMAS['weather'] ?? {}, 3));
    const values = new Set(
      Array.from({ length: 10 }, (_, seed) => JSON.stringify(generate(SCHEMAS['weather'] ?? {}, seed))),
    );
    expect(values.size).toBeGreaterThan(5);
  });

  it('always includes required properties and sometimes optional ones', () => {
    const optionalSeen = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const value = generate(SCHEMAS['weather'] ?? {}, seed) as Record<string, unknown>;
      expect(value).toHaveProperty('city');
      expect(value).toHaveProperty('days');
      for (const key of Object.keys(value)) optionalSeen.add(key);
    }
    expect(optionalSeen).toEqual(new Set(['city', 'days', 'unit', 'detailed']));
  });

  it('borrows strings from the given words', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const value = generateJsonValue(schema, { prng: createPrng(1), words: ['Paris'], root: schema });
    expect((value as { city: string }).city).toMatch(/^Paris( Paris)*$/);
  });

  it('the checker itself rejects invalid values (so the tests above can fail)', () => {
    expect(checkJsonSchema(SCHEMAS['weather'] ?? {}, { city: 'x', days: 99, extra: 1 })).toEqual([
      '$.city: minLength',
      '$.days: maximum',
      '$.extra: additionalProperties',
    ]);
  });
});
