import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropicStreamEventSchema } from './anthropic/anthropic-api-schemas.js';
import { bedrockContentBlockDeltaSchema } from './bedrock/bedrock-api-schemas.js';
import { compileShapeCheck } from './compile-shape-check.js';
import { geminiResponseSchema } from './gemini/gemini-api-schemas.js';
import {
  openAIChatChunkSchema,
  openAIChatResponseSchema,
} from './openai-compatible/openai-chat-api-schemas.js';

type Definition = Record<string, unknown> & { type: string };

function definitionOf(schema: unknown): Definition {
  return (schema as { _zod: { def: Definition } })._zod.def;
}

/** Values of the wrong kind for any field. */
const wrong = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/**
 * Values near a schema: mostly valid, with absent, null, wrongly typed and unknown fields mixed in,
 * so both the accepting and the rejecting side of a check are exercised.
 */
function near(schema: unknown): fc.Arbitrary<unknown> {
  const definition = definitionOf(schema);
  switch (definition.type) {
    case 'string':
      return fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: wrong });
    case 'number':
      return fc.oneof({ weight: 4, arbitrary: fc.oneof(fc.integer(), fc.double()) }, wrong);
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, wrong);
    case 'optional':
      return fc.oneof(fc.constant(undefined), near(definition['innerType']));
    case 'nullable':
      return fc.oneof(fc.constant(null), near(definition['innerType']));
    case 'array':
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(near(definition['element']), { maxLength: 3 }) },
        { weight: 1, arbitrary: wrong },
      );
    case 'union':
      return fc.oneof(...(definition['options'] as unknown[]).map(near));
    case 'object': {
      const shape = definition['shape'] as Record<string, unknown>;
      const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, near(field)]));
      const known = fc.record(fields, { requiredKeys: [] });
      const unknown = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), {
        maxKeys: 2,
      });
      const value = fc.tuple(unknown, known).map(([extra, declared]) => ({ ...extra, ...declared }));
      return fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: wrong });
    }
    default:
      return fc.oneof(fc.jsonValue({ maxDepth: 2 }), wrong);
  }
}

/** Schemas and whether the compiler checks them itself (an accepted value comes back as is). */
const SCHEMAS: Record<string, { schema: z.ZodType; compiled: boolean }> = {
  'OpenAI chat chunk': { schema: openAIChatChunkSchema, compiled: true },
  'OpenAI chat response': { schema: openAIChatResponseSchema, compiled: true },
  'Anthropic stream event': { schema: anthropicStreamEventSchema, compiled: true },
  'Gemini response': { schema: geminiResponseSchema, compiled: true },
  'Bedrock content block delta': { schema: bedrockContentBlockDeltaSchema, compiled: true },
  // Nodes the compiler leaves to zod: refinements, literals, defaults, strict objects.
  'with refinements': {
    schema: z.looseObject({
      name: z.string().min(2),
      kind: z.literal('a').nullish(),
      size: z.number().int().default(1),
      inner: z.strictObject({ a: z.string() }).nullish(),
    }),
    compiled: false,
  },
};

describe('compileShapeCheck', () => {
  for (const [name, { schema, compiled }] of Object.entries(SCHEMAS)) {
    it(`accepts exactly what zod accepts, with zod's data: ${name}`, () => {
      const parse = compileShapeCheck(schema);
      let accepted = 0;
      fc.assert(
        fc.property(near(schema), (value) => {
          const fast = parse(value);
          const reference = schema.safeParse(value);
          expect(fast.success).toBe(reference.success);
          if (fast.success && reference.success) {
            accepted++;
            expect(fast.data).toEqual(reference.data);
            if (compiled) expect(fast.data).toBe(value);
          }
        }),
        { numRuns: 2000 },
      );
      // Both sides were exercised.
      expect(accepted).toBeGreaterThan(100);
      expect(accepted).toBeLessThan(1900);
    });
  }

  it('returns the usual chunk itself and zod’s error for a bad one', () => {
    const parse = compileShapeCheck(openAIChatChunkSchema);
    const chunk = { id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'hi' } }], extra: 1 };
    const accepted = parse(chunk);
    expect(accepted.success && accepted.data).toBe(chunk);
    const rejected = parse({ choices: [{ delta: { content: 7 } }] });
    expect(rejected.success).toBe(false);
    if (!rejected.success) expect(rejected.error).toBeInstanceOf(z.ZodError);
  });

  it('rejects NaN and infinite numbers, as zod does', () => {
    const parse = compileShapeCheck(openAIChatChunkSchema);
    expect(parse({ usage: { prompt_tokens: Number.NaN } }).success).toBe(false);
    expect(parse({ choices: [{ index: Number.POSITIVE_INFINITY }] }).success).toBe(false);
    expect(parse({ usage: { prompt_tokens: 3 }, choices: [{ index: 0 }] }).success).toBe(true);
  });
});
