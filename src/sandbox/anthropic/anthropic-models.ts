/** One Claude model as the Anthropic emulator serves it. */
export interface AnthropicSandboxModel {
  /** The dated id responses report in `model`, e.g. `claude-3-7-sonnet-20250219`. */
  id: string;
  /** Other names requests may use: `-latest` and undated aliases. */
  aliases: string[];
  /** The Vertex AI model id, e.g. `claude-3-7-sonnet@20250219`. */
  vertexId: string;
  displayName: string;
  /** RFC 3339 release date, as `GET /v1/models` reports it. */
  createdAt: string;
  contextWindow: number;
  /** Largest `max_tokens` the model accepts. */
  maxOutputTokens: number;
  /** Whether `thinking: {type: 'enabled'}` is accepted. */
  thinking: boolean;
  /** Prompt-cache breakpoints below this many prefix tokens write nothing. */
  minCacheableTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
}

export type AnthropicModelDefaults = Omit<AnthropicSandboxModel, 'id'>;

const CONTEXT_WINDOW = 200_000;

/**
 * The built-in Claude models. Limits follow Anthropic's model overview and prompt-caching pages
 * (2025); latency profiles are rounded from public measurements and are plausible shapes, not promises.
 */
export const DEFAULT_ANTHROPIC_MODELS: Readonly<Record<string, AnthropicModelDefaults>> = {
  'claude-3-5-sonnet-20241022': {
    aliases: ['claude-3-5-sonnet-latest'],
    vertexId: 'claude-3-5-sonnet-v2@20241022',
    displayName: 'Claude Sonnet 3.5 (New)',
    createdAt: '2024-10-22T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 8_192,
    thinking: false,
    minCacheableTokens: 1_024,
    ttftMs: 800,
    tokensPerSecond: 70,
  },
  'claude-3-5-haiku-20241022': {
    aliases: ['claude-3-5-haiku-latest'],
    vertexId: 'claude-3-5-haiku@20241022',
    displayName: 'Claude Haiku 3.5',
    createdAt: '2024-10-22T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 8_192,
    thinking: false,
    minCacheableTokens: 2_048,
    ttftMs: 600,
    tokensPerSecond: 60,
  },
  'claude-3-7-sonnet-20250219': {
    aliases: ['claude-3-7-sonnet-latest'],
    vertexId: 'claude-3-7-sonnet@20250219',
    displayName: 'Claude Sonnet 3.7',
    createdAt: '2025-02-24T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 64_000,
    thinking: true,
    minCacheableTokens: 1_024,
    ttftMs: 900,
    tokensPerSecond: 75,
  },
  'claude-sonnet-4-5-20250929': {
    aliases: ['claude-sonnet-4-5'],
    vertexId: 'claude-sonnet-4-5@20250929',
    displayName: 'Claude Sonnet 4.5',
    createdAt: '2025-09-29T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 64_000,
    thinking: true,
    minCacheableTokens: 1_024,
    ttftMs: 1_100,
    tokensPerSecond: 70,
  },
  'claude-haiku-4-5-20251001': {
    aliases: ['claude-haiku-4-5'],
    vertexId: 'claude-haiku-4-5@20251001',
    displayName: 'Claude Haiku 4.5',
    createdAt: '2025-10-15T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 64_000,
    thinking: true,
    minCacheableTokens: 4_096,
    ttftMs: 500,
    tokensPerSecond: 110,
  },
  'claude-opus-4-1-20250805': {
    aliases: ['claude-opus-4-1'],
    vertexId: 'claude-opus-4-1@20250805',
    displayName: 'Claude Opus 4.1',
    createdAt: '2025-08-05T00:00:00Z',
    contextWindow: CONTEXT_WINDOW,
    maxOutputTokens: 32_000,
    thinking: true,
    minCacheableTokens: 1_024,
    ttftMs: 1_600,
    tokensPerSecond: 40,
  },
};

/** Every name a model answers to, resolved once: ids, aliases, Vertex ids and their undated form. */
export class AnthropicModelCatalog {
  private readonly byName = new Map<string, AnthropicSandboxModel>();
  private readonly byVertexName = new Map<string, AnthropicSandboxModel>();

  constructor(readonly models: readonly AnthropicSandboxModel[]) {
    for (const model of models) {
      this.byName.set(model.id, model);
      for (const alias of model.aliases) this.byName.set(alias, model);
      this.byVertexName.set(model.vertexId, model);
      this.byVertexName.set(model.vertexId.split('@')[0] ?? model.vertexId, model);
    }
  }

  /**
   * @example catalog.find('claude-3-7-sonnet-latest')?.id // 'claude-3-7-sonnet-20250219'
   */
  find(name: string): AnthropicSandboxModel | undefined {
    return this.byName.get(name);
  }

  /** Vertex names first (`claude-3-5-sonnet-v2@20241022`), then the first-party ids. */
  findOnVertex(name: string): AnthropicSandboxModel | undefined {
    return this.byVertexName.get(name) ?? this.byName.get(name);
  }
}
