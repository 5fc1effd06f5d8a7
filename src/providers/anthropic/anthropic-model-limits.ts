export interface AnthropicModelLimits {
  /** Largest `max_tokens` the model accepts (without long-output betas). */
  maxOutputTokens: number;
  /** Whether the model accepts `thinking: {type: 'enabled'}`. */
  thinking: boolean;
}

// Most specific first: the first family contained in the model id wins.
const FAMILIES: readonly [family: string, limits: AnthropicModelLimits][] = [
  ['claude-opus-4-5', { maxOutputTokens: 64_000, thinking: true }],
  ['claude-opus-4', { maxOutputTokens: 32_000, thinking: true }],
  ['claude-sonnet-4', { maxOutputTokens: 64_000, thinking: true }],
  ['claude-haiku-4', { maxOutputTokens: 64_000, thinking: true }],
  ['claude-3-7-sonnet', { maxOutputTokens: 64_000, thinking: true }],
  ['claude-3-5-sonnet', { maxOutputTokens: 8_192, thinking: false }],
  ['claude-3-5-haiku', { maxOutputTokens: 8_192, thinking: false }],
  ['claude-3-', { maxOutputTokens: 4_096, thinking: false }],
];

/**
 * What a Claude model accepts, from a small table matched on the family in its id; works for
 * first-party ids, aliases, Vertex ids (`claude-3-7-sonnet@20250219`) and Bedrock ids. Undefined
 * for a model the table does not know (newer ones): callers then send what they were given.
 *
 * @example anthropicModelLimits('claude-3-5-haiku-latest') // { maxOutputTokens: 8192, thinking: false }
 */
export function anthropicModelLimits(modelId: string): AnthropicModelLimits | undefined {
  return FAMILIES.find(([family]) => modelId.includes(family))?.[1];
}
