import { z } from 'zod';

/** A model the Gemini/Vertex emulation serves. */
export interface GeminiSandboxModel {
  id: string;
  kind: 'chat' | 'embedding';
  displayName: string;
  /** What responses report in `modelVersion`. */
  version: string;
  /** `inputTokenLimit`. */
  contextWindow: number;
  /** `outputTokenLimit` (thinking included); 0 for embedding models. */
  maxOutputTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
  /** 2.5 Flash can switch thinking off (`optional`), 2.5 Pro cannot (`required`); older models have none. */
  thinking: 'none' | 'optional' | 'required';
  /** Largest `thinkingBudget` accepted. */
  maxThinkingBudget: number;
  /** Implicit caching applies to prompts at least this long; 0 = no implicit caching. */
  implicitCacheMinTokens: number;
  /** Native vector size (embedding models). */
  embeddingDimensions: number;
}

type ModelDefaults = Omit<GeminiSandboxModel, 'id'>;

const CHAT = { kind: 'chat', embeddingDimensions: 0, thinking: 'none', maxThinkingBudget: 0 } as const;
const EMBEDDING = {
  kind: 'embedding',
  contextWindow: 2048,
  maxOutputTokens: 0,
  tokensPerSecond: 0,
  thinking: 'none',
  maxThinkingBudget: 0,
  implicitCacheMinTokens: 0,
} as const;

/**
 * Limits from Google's model pages; latency profiles rounded from public measurements (Artificial
 * Analysis, 2025). Implicit caching is on for 2.5 models only, with the minimum prompt the Gemini API
 * documents for Flash (1,024) and the Vertex figure for Pro (2,048; the Gemini API now says 4,096 —
 * override `implicitCacheMinTokens` to emulate that).
 */
export const GEMINI_DEFAULT_MODELS: Readonly<Record<string, ModelDefaults>> = {
  'gemini-2.0-flash': {
    ...CHAT,
    displayName: 'Gemini 2.0 Flash',
    version: 'gemini-2.0-flash',
    contextWindow: 1_048_576,
    maxOutputTokens: 8192,
    ttftMs: 350,
    tokensPerSecond: 170,
    implicitCacheMinTokens: 0,
  },
  'gemini-2.0-flash-001': {
    ...CHAT,
    displayName: 'Gemini 2.0 Flash 001',
    version: 'gemini-2.0-flash-001',
    contextWindow: 1_048_576,
    maxOutputTokens: 8192,
    ttftMs: 350,
    tokensPerSecond: 170,
    implicitCacheMinTokens: 0,
  },
  'gemini-1.5-pro': {
    ...CHAT,
    displayName: 'Gemini 1.5 Pro',
    version: 'gemini-1.5-pro-002',
    contextWindow: 2_097_152,
    maxOutputTokens: 8192,
    ttftMs: 800,
    tokensPerSecond: 60,
    implicitCacheMinTokens: 0,
  },
  'gemini-2.5-flash': {
    ...CHAT,
    displayName: 'Gemini 2.5 Flash',
    version: 'gemini-2.5-flash',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    ttftMs: 600,
    tokensPerSecond: 200,
    thinking: 'optional',
    maxThinkingBudget: 24_576,
    implicitCacheMinTokens: 1024,
  },
  'gemini-2.5-pro': {
    ...CHAT,
    displayName: 'Gemini 2.5 Pro',
    version: 'gemini-2.5-pro',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    ttftMs: 1_800,
    tokensPerSecond: 140,
    thinking: 'required',
    maxThinkingBudget: 32_768,
    implicitCacheMinTokens: 2048,
  },
  'text-embedding-004': {
    ...EMBEDDING,
    displayName: 'Text Embedding 004',
    version: 'text-embedding-004',
    ttftMs: 50,
    embeddingDimensions: 768,
  },
  'gemini-embedding-001': {
    ...EMBEDDING,
    displayName: 'Gemini Embedding 001',
    version: 'gemini-embedding-001',
    ttftMs: 80,
    embeddingDimensions: 3072,
  },
};

const modelSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).optional(),
  displayName: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().nonnegative().optional(),
  ttftMs: z.number().nonnegative().optional(),
  tokensPerSecond: z.number().nonnegative().optional(),
  thinking: z.enum(['none', 'optional', 'required']).optional(),
  maxThinkingBudget: z.number().int().nonnegative().optional(),
  implicitCacheMinTokens: z.number().int().nonnegative().optional(),
  embeddingDimensions: z.number().int().positive().optional(),
});

const capacitySchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  /** Vertex Provisioned Throughput: a 429 says "Exceeded the Provisioned Throughput". */
  provisioned: z.boolean().default(false),
});

/**
 * The `gemini` section of the sandbox options (strict: an unknown key is an error naming its path).
 * Keys are Gemini API keys (`x-goog-api-key` or `?key=`); tokens are the Vertex bearer tokens accepted.
 * Capacity is per model, enforced separately on each surface; models override the built-in table.
 *
 * @example
 * geminiSandboxOptionsSchema.parse({ capacity: { 'gemini-2.5-pro': { tpm: 10_000, provisioned: true } } });
 */
export const geminiSandboxOptionsSchema = z
  .strictObject({
    keys: z.array(z.string().min(1)).min(1).default(['sandbox-gemini-key']),
    vertexTokens: z.array(z.string().min(1)).min(1).default(['sandbox-vertex-token']),
    models: z.record(z.string().min(1), modelSchema).default({}),
    capacity: z.record(z.string().min(1), capacitySchema).default({}),
  })
  .prefault({});

export type GeminiSandboxOptionsInput = z.input<typeof geminiSandboxOptionsSchema>;
export type GeminiSandboxOptions = z.output<typeof geminiSandboxOptionsSchema>;

export interface ResolvedGeminiSandboxOptions {
  keys: ReadonlySet<string>;
  vertexTokens: ReadonlySet<string>;
  models: Readonly<Record<string, GeminiSandboxModel>>;
  capacity: Readonly<
    Record<string, { rpm?: number | undefined; tpm?: number | undefined; provisioned: boolean }>
  >;
}

/**
 * Validates the options and merges model overrides over the built-in table (a new id starts from
 * gemini-2.0-flash, or text-embedding-004 with `kind: 'embedding'`).
 *
 * @example
 * resolveGeminiSandboxOptions({}).models['gemini-2.5-flash']?.thinking; // 'optional'
 */
export function resolveGeminiSandboxOptions(
  input: GeminiSandboxOptionsInput = {},
): ResolvedGeminiSandboxOptions {
  const parsed = geminiSandboxOptionsSchema.parse(input);
  const models: Record<string, GeminiSandboxModel> = {};
  for (const [id, defaults] of Object.entries(GEMINI_DEFAULT_MODELS)) models[id] = { id, ...defaults };
  for (const [id, override] of Object.entries(parsed.models)) {
    const template = override.kind === 'embedding' ? 'text-embedding-004' : 'gemini-2.0-flash';
    const base = models[id] ?? {
      id,
      ...(GEMINI_DEFAULT_MODELS[template] as ModelDefaults),
      displayName: id,
      version: id,
    };
    const set = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
    models[id] = { ...base, ...set, id };
  }
  return {
    keys: new Set(parsed.keys),
    vertexTokens: new Set(parsed.vertexTokens),
    models,
    capacity: parsed.capacity,
  };
}
