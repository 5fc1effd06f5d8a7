import type { Warning } from '../../core/warning.js';

/**
 * What parsing a Gemini body learns besides the canonical request: output choices and the
 * settings only a Google target honours, so the writer can warn when another target served it.
 */
export interface GeminiRequestExtras {
  /** `thinkingConfig.includeThoughts`: write reasoning as `thought: true` parts. */
  includeThoughts: boolean;
  /** Warnings raised while parsing (history converted, settings dropped). */
  warnings: Warning[];
  /** Request fields kept in `providerOptions.gemini` that only Gemini / Vertex targets apply. */
  googleOnlySettings: string[];
}

export function emptyRequestExtras(): GeminiRequestExtras {
  return { includeThoughts: false, warnings: [], googleOnlySettings: [] };
}
