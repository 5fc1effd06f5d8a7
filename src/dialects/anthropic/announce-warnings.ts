import { formatWarningsHeader, type Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';

/**
 * Adds warnings the dialect found (while parsing the body or writing the answer) to the context and
 * re-sets `x-converge-warnings`, which the exchange already set from the target's warnings. Must
 * run before the response's headers are written.
 */
export function announceWarnings(
  response: RawResponse,
  context: GatewayContext,
  warnings: readonly Warning[],
) {
  if (warnings.length === 0 || response.headersSent) return;
  context.warnings.push(...warnings);
  response.setHeader('x-converge-warnings', formatWarningsHeader(context.warnings));
}
