import type { EncodingName } from './engine/tokenizer.js';

export interface SandboxModel {
  id: string;
  kind: 'chat' | 'embedding';
  contextWindow: number;
  /** Largest completion the model accepts (chat); 0 for embedding models. */
  maxOutputTokens: number;
  /** Time to first token (chat) or to the whole response (embeddings), in ms. */
  ttftMs: number;
  tokensPerSecond: number;
  /** o-series: bills hidden reasoning tokens and rejects `max_tokens`/`temperature`. */
  reasoning: boolean;
  /** Native vector size (embedding models). */
  embeddingDimensions: number;
  /** The dated name responses report in `model`, e.g. `gpt-4o-2024-08-06`. */
  snapshot: string;
  encoding: EncodingName;
  /** Unix seconds, as `GET /v1/models` reports. */
  created: number;
  ownedBy: string;
}

type ModelDefaults = Omit<SandboxModel, 'id'>;

const CHAT: Omit<
  ModelDefaults,
  'contextWindow' | 'maxOutputTokens' | 'ttftMs' | 'tokensPerSecond' | 'snapshot' | 'created'
> = {
  kind: 'chat',
  reasoning: false,
  embeddingDimensions: 0,
  encoding: 'o200k_base',
  ownedBy: 'system',
};

const EMBEDDING = {
  ...CHAT,
  kind: 'embedding',
  maxOutputTokens: 0,
  contextWindow: 8191,
  encoding: 'cl100k_base',
} as const;

/**
 * Latency profiles are rounded from public measurements (Artificial Analysis, OpenAI status pages,
 * 2024–2025); they are plausible shapes, not promises.
 */
export const DEFAULT_MODELS: Readonly<Record<string, ModelDefaults>> = {
  'gpt-4o': {
    ...CHAT,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    ttftMs: 450,
    tokensPerSecond: 90,
    snapshot: 'gpt-4o-2024-08-06',
    created: 1715367049,
  },
  'gpt-4o-mini': {
    ...CHAT,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    ttftMs: 350,
    tokensPerSecond: 110,
    snapshot: 'gpt-4o-mini-2024-07-18',
    created: 1721172741,
  },
  'gpt-4.1': {
    ...CHAT,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    ttftMs: 500,
    tokensPerSecond: 80,
    snapshot: 'gpt-4.1-2025-04-14',
    created: 1744316542,
  },
  'gpt-4.1-mini': {
    ...CHAT,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    ttftMs: 380,
    tokensPerSecond: 120,
    snapshot: 'gpt-4.1-mini-2025-04-14',
    created: 1744318173,
  },
  'o3-mini': {
    ...CHAT,
    reasoning: true,
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    ttftMs: 1_500,
    tokensPerSecond: 150,
    snapshot: 'o3-mini-2025-01-31',
    created: 1737146383,
  },
  'text-embedding-3-small': {
    ...EMBEDDING,
    embeddingDimensions: 1536,
    ttftMs: 60,
    tokensPerSecond: 0,
    snapshot: 'text-embedding-3-small',
    created: 1705948997,
  },
  'text-embedding-3-large': {
    ...EMBEDDING,
    embeddingDimensions: 3072,
    ttftMs: 80,
    tokensPerSecond: 0,
    snapshot: 'text-embedding-3-large',
    created: 1705953180,
  },
  'text-embedding-ada-002': {
    ...EMBEDDING,
    ownedBy: 'openai-internal',
    embeddingDimensions: 1536,
    ttftMs: 70,
    tokensPerSecond: 0,
    snapshot: 'text-embedding-ada-002',
    created: 1671217299,
  },
};

/** Only the text-embedding-3 family accepts `dimensions` (Matryoshka-trained). */
export function supportsDimensions(model: SandboxModel): boolean {
  return model.kind === 'embedding' && model.snapshot.startsWith('text-embedding-3');
}
