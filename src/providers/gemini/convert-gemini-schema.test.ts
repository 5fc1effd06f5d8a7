import { describe, expect, it } from 'vitest';
import { convertGeminiSchema } from './convert-gemini-schema.js';

const settings = (warnings: { type: string; setting?: string }[]) =>
  warnings.map((warning) => ('setting' in warning ? warning.setting : warning.type));

describe('convertGeminiSchema', () => {
  it('upper-cases types, turns null unions into nullable and oneOf into anyOf, silently drops harmless keywords', () => {
    const { schema, warnings } = convertGeminiSchema(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, format: 'email', default: 'x', description: 'Who' },
          age: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
          when: { type: 'string', format: 'date-time' },
          kind: { oneOf: [{ type: 'string' }, { type: 'number' }] },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        },
        required: ['name', 'missing'],
      },
      'tools.t.inputSchema',
    );
    expect(warnings).toEqual([]);
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        name: { type: 'STRING', minLength: 1, description: 'Who' },
        age: { type: 'INTEGER', minimum: 0, nullable: true },
        when: { type: 'STRING', format: 'date-time' },
        kind: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: 3 },
      },
      required: ['name'],
    });
  });

  it('inlines local $refs, merges allOf and makes string const a one-value enum', () => {
    const { schema, warnings } = convertGeminiSchema(
      {
        $defs: { city: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
        allOf: [{ $ref: '#/$defs/city' }, { properties: { country: { const: 'PT' } } }],
      },
      'responseFormat.schema',
    );
    expect(warnings).toEqual([]);
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        name: { type: 'STRING' },
        country: { type: 'STRING', format: 'enum', enum: ['PT'] },
      },
      required: ['name'],
    });
  });

  it('warns, naming the path, for each keyword whose loss changes which values are valid', () => {
    const { schema, warnings } = convertGeminiSchema(
      {
        type: 'object',
        properties: {
          scores: { type: 'object', additionalProperties: { type: 'number' } },
          level: { type: 'integer', enum: [1, 2, 3] },
          ids: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          ratio: { type: 'number', exclusiveMinimum: 0 },
          node: { $ref: '#' },
        },
      },
      'tools.t.inputSchema',
    );
    expect(settings(warnings)).toEqual([
      'tools.t.inputSchema.properties.scores.additionalProperties',
      'tools.t.inputSchema.properties.level.enum',
      'tools.t.inputSchema.properties.ids.uniqueItems',
      'tools.t.inputSchema.properties.ratio.exclusiveMinimum',
      'tools.t.inputSchema.properties.node.$ref',
    ]);
    expect(schema?.['properties']).toMatchObject({
      scores: { type: 'OBJECT' },
      level: { type: 'INTEGER' },
      ratio: { type: 'NUMBER', minimum: 0 },
      node: {},
    });
  });

  it('returns no schema for an object without properties (Gemini refuses empty properties)', () => {
    expect(convertGeminiSchema({ type: 'object', properties: {} }, 'x').schema).toBeUndefined();
    expect(convertGeminiSchema({ type: 'object' }, 'x').schema).toBeUndefined();
  });
});
