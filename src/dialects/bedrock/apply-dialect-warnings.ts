import { formatWarningsHeader, type Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';

/** Bedrock-only options (`providerOptions.bedrock`) that the chosen target cannot honour. */
function unhonouredBedrockOptions(context: GatewayContext): Warning[] {
  const target = context.target;
  if (target === undefined || target.provider.type === 'bedrock') return [];
  if (context.parsed?.operation !== 'chat') return [];
  const options = context.parsed.request.providerOptions?.['bedrock'];
  if (options === undefined) return [];
  return Object.keys(options).map((setting) => ({
    type: 'unsupported-setting' as const,
    setting,
    details: `a ${target.provider.type} target cannot honour Bedrock's ${setting}`,
  }));
}

/**
 * Adds the warnings only the dialect knows — from converting the body, and Bedrock-only options
 * routed to another cloud — to the context and the `x-converge-warnings` header. Called by the
 * writers just before the status line, once the target is known.
 *
 * @example
 * applyDialectWarnings(response, context, parsedWarnings);
 * response.writeHead(200, headers);
 */
export function applyDialectWarnings(
  response: RawResponse,
  context: GatewayContext,
  parseWarnings: readonly Warning[],
): void {
  const added = [...parseWarnings, ...unhonouredBedrockOptions(context)];
  if (added.length === 0 || response.headersSent) return;
  context.warnings.push(...added);
  response.setHeader('x-converge-warnings', formatWarningsHeader(context.warnings));
}
