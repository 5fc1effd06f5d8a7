import type { SandboxModel } from '../default-models.js';

/** Which native body InvokeModel takes for a model (Converse works for every chat family). */
export type BedrockModelFamily = 'anthropic' | 'meta' | 'mistral' | 'cohere' | 'titan-text' | 'titan-embed';

export interface BedrockModel extends SandboxModel {
  family: BedrockModelFamily;
  /**
   * Smallest prefix a `cachePoint` can cache (Claude 3.7 Sonnet: 1024, 3.5 Haiku: 2048); undefined when
   * the model has no prompt caching on Bedrock, in which case cache points are accepted and ignored.
   */
  cacheMinTokens: number | undefined;
}

type BedrockModelDefaults = Omit<BedrockModel, 'id'>;

// Token counts use o200k_base for every family: no vendor tokenizer here is public and exact, and
// o200k_base is always loaded, so a count is a plausible approximation rather than a guess per family.
const CHAT = {
  kind: 'chat',
  reasoning: false,
  embeddingDimensions: 0,
  encoding: 'o200k_base',
  ownedBy: 'system',
} as const;

function claude(
  snapshot: string,
  maxOutputTokens: number,
  ttftMs: number,
  tokensPerSecond: number,
  cacheMinTokens: number | undefined,
): BedrockModelDefaults {
  return {
    ...CHAT,
    family: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens,
    ttftMs,
    tokensPerSecond,
    snapshot,
    created: 0,
    cacheMinTokens,
  };
}

/**
 * The foundation models the Bedrock emulator serves by default. Latency profiles are rounded from public
 * measurements of these models on Bedrock (2024–2025): plausible shapes, not promises.
 */
export const BEDROCK_DEFAULT_MODELS: Readonly<Record<string, BedrockModelDefaults>> = {
  'anthropic.claude-3-5-sonnet-20241022-v2:0': claude(
    'claude-3-5-sonnet-20241022',
    8_192,
    900,
    60,
    undefined,
  ),
  'anthropic.claude-3-5-haiku-20241022-v1:0': claude('claude-3-5-haiku-20241022', 8_192, 700, 65, 2_048),
  'anthropic.claude-3-7-sonnet-20250219-v1:0': claude('claude-3-7-sonnet-20250219', 8_192, 1_000, 60, 1_024),
  'meta.llama3-3-70b-instruct-v1:0': {
    ...CHAT,
    family: 'meta',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    ttftMs: 450,
    tokensPerSecond: 45,
    snapshot: 'llama3-3-70b-instruct',
    created: 0,
    cacheMinTokens: undefined,
  },
  'mistral.mistral-large-2407-v1:0': {
    ...CHAT,
    family: 'mistral',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    ttftMs: 500,
    tokensPerSecond: 40,
    snapshot: 'mistral-large-2407',
    created: 0,
    cacheMinTokens: undefined,
  },
  'cohere.command-r-plus-v1:0': {
    ...CHAT,
    family: 'cohere',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    ttftMs: 600,
    tokensPerSecond: 50,
    snapshot: 'command-r-plus',
    created: 0,
    cacheMinTokens: undefined,
  },
  'amazon.titan-text-premier-v1:0': {
    ...CHAT,
    family: 'titan-text',
    contextWindow: 32_000,
    maxOutputTokens: 3_072,
    ttftMs: 500,
    tokensPerSecond: 60,
    snapshot: 'titan-text-premier',
    created: 0,
    cacheMinTokens: undefined,
  },
  'amazon.titan-embed-text-v2:0': {
    ...CHAT,
    kind: 'embedding',
    family: 'titan-embed',
    contextWindow: 8_192,
    maxOutputTokens: 0,
    ttftMs: 60,
    tokensPerSecond: 0,
    embeddingDimensions: 1_024,
    snapshot: 'titan-embed-text-v2',
    created: 0,
    cacheMinTokens: undefined,
  },
};

/** Geographic prefixes of the cross-region inference profiles created for every Claude model. */
export const INFERENCE_PROFILE_PREFIXES = ['us', 'eu'] as const;

/** The family a model id implies, for ids added through options without an explicit family. */
export function familyOf(modelId: string): BedrockModelFamily {
  if (modelId.startsWith('anthropic.')) return 'anthropic';
  if (modelId.startsWith('meta.')) return 'meta';
  if (modelId.startsWith('mistral.')) return 'mistral';
  if (modelId.startsWith('cohere.')) return 'cohere';
  if (modelId.startsWith('amazon.titan-embed')) return 'titan-embed';
  return 'titan-text';
}
