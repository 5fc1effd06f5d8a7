/**
 * The bare model id: `publishers/google/models/x`, `models/x` and `x` all give `x`.
 *
 * @example
 * bareGeminiModelId('models/gemini-2.5-flash'); // 'gemini-2.5-flash'
 */
export function bareGeminiModelId(modelId: string): string {
  return modelId.slice(modelId.lastIndexOf('/') + 1);
}

/**
 * The Gemini API resource name: `models/x` for a bare id; names with a collection (`models/…`,
 * `tunedModels/…`) are kept.
 *
 * @example
 * geminiResourceName('gemini-2.5-flash'); // 'models/gemini-2.5-flash'
 */
export function geminiResourceName(modelId: string): string {
  return modelId.includes('/') ? modelId : `models/${modelId}`;
}
