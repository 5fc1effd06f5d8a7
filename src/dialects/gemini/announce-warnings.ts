import { formatWarningsHeader, type Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import type { GeminiRequestExtras } from './gemini-request-extras.js';

/** Provider types that read `providerOptions.gemini` (Gemini's wire shape). */
const GOOGLE_PROVIDER_TYPES = new Set(['gemini', 'vertex']);

/**
 * The dialect's own warnings: what parsing dropped or converted, and — when a target other than
 * Gemini or Vertex served the request — every Google-only setting it ignored (safety settings,
 * built-in tools, `responseModalities` …).
 *
 * @example
 * collectDialectWarnings(context, { includeThoughts: false, warnings: [], googleOnlySettings: ['safetySettings'] })
 * // on an openai target: [{ type: 'unsupported-setting', setting: 'safetySettings', details: '…' }]
 */
export function collectDialectWarnings(context: GatewayContext, extras: GeminiRequestExtras): Warning[] {
  const warnings = [...extras.warnings];
  const type = context.target?.provider.type;
  if (type !== undefined && !GOOGLE_PROVIDER_TYPES.has(type)) {
    for (const setting of extras.googleOnlySettings) {
      warnings.push({
        type: 'unsupported-setting',
        setting,
        details: `only Gemini and Vertex targets apply it; the ${type} target ignored it`,
      });
    }
  }
  return warnings;
}

/**
 * Adds the dialect's warnings to the context and rewrites `x-converge-warnings` (the exchange set
 * it from the provider's warnings just before the writer runs).
 */
export function announceWarnings(
  response: RawResponse,
  context: GatewayContext,
  extras: GeminiRequestExtras,
): void {
  const warnings = collectDialectWarnings(context, extras);
  if (warnings.length === 0 || response.headersSent) return;
  context.warnings.push(...warnings);
  response.setHeader('x-converge-warnings', formatWarningsHeader(context.warnings));
}
