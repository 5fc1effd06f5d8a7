import { usdToMicros } from '../limits/budget-periods.js';
import { estimateRequest } from '../pipeline/limits/estimate-request.js';

/**
 * The most a one-message chat request can cost at a flat price (the budget reservation the limits
 * stage makes for it), in micro-dollars: the prompt's upper-bound tokens plus every output token.
 *
 * @example maxChatCostMicros('Say something short.', 20, 1_000) // reservation at $1,000 per 1M tokens
 */
export function maxChatCostMicros(prompt: string, maxOutputTokens: number, usdPerMillion: number): number {
  const estimate = estimateRequest(
    {
      operation: 'chat',
      request: {
        model: 'any',
        messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
        stream: false,
        maxOutputTokens,
      },
    },
    4096,
  );
  return usdToMicros(
    ((estimate.promptTokensUpperBound + estimate.maxOutputTokens) * usdPerMillion) / 1_000_000,
  );
}
