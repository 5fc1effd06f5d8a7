/** Geographic and global cross-region inference profile prefixes (`eu.anthropic.…`, `global.…`). */
const INFERENCE_PROFILE_PREFIX = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * The model vendor behind a Bedrock model id (`anthropic`, `mistral`, `amazon`, `meta`, `cohere` …):
 * read from a foundation-model id, a cross-region inference-profile id or an ARN ending in one.
 * Undefined for ids that do not name their model, such as application inference profiles and
 * provisioned-throughput ARNs; vendor-specific fields are then not added (the caller can still send
 * them through `providerOptions.bedrock.additionalModelRequestFields`).
 *
 * @example
 * bedrockModelFamily('arn:aws:bedrock:eu-west-1:123:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
 * // 'anthropic'
 */
export function bedrockModelFamily(modelId: string): string | undefined {
  const id = bedrockBaseModelId(modelId);
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  return id.slice(0, dot);
}

/**
 * Whether the model takes Anthropic's extended-thinking settings: Claude 3.7 Sonnet and every Claude
 * 4 and later (`claude-sonnet-4…`, `claude-opus-4-1…`, `claude-haiku-4-5…`).
 *
 * @example
 * supportsClaudeThinking('us.anthropic.claude-sonnet-4-20250514-v1:0'); // true
 * supportsClaudeThinking('anthropic.claude-3-5-sonnet-20241022-v2:0'); // false
 */
export function supportsClaudeThinking(modelId: string): boolean {
  const id = bedrockBaseModelId(modelId);
  if (!id.startsWith('anthropic.')) return false;
  if (id.includes('claude-3-7-')) return true;
  const generation = /claude-(?:opus|sonnet|haiku)-(\d+)/.exec(id)?.[1];
  return generation !== undefined && Number(generation) >= 4;
}

/**
 * The foundation-model part of an id: the ARN resource name without its inference-profile prefix.
 *
 * @example
 * bedrockBaseModelId('eu.amazon.nova-pro-v1:0'); // 'amazon.nova-pro-v1:0'
 */
export function bedrockBaseModelId(modelId: string): string {
  const resource = modelId.startsWith('arn:') ? (modelId.split('/').at(-1) ?? '') : modelId;
  return resource.replace(INFERENCE_PROFILE_PREFIX, '');
}
