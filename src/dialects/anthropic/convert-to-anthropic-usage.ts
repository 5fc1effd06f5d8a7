import type { ChatRequest } from '../../core/chat-request.js';
import type { Usage } from '../../core/usage.js';

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
  server_tool_use: null;
}

/**
 * The TTL cache writes are reported under. Canonical usage does not split writes by TTL, so they
 * go to `1h` when every breakpoint of the request asked for an hour, and to `5m` otherwise.
 */
export function cacheWriteTtl(request: ChatRequest | undefined): '5m' | '1h' {
  let breakpoints = 0;
  for (const message of request?.messages ?? []) {
    for (const part of message.content) {
      if (!('cacheControl' in part) || part.cacheControl === undefined) continue;
      if (part.cacheControl.ttl !== '1h') return '5m';
      breakpoints++;
    }
  }
  return breakpoints > 0 ? '1h' : '5m';
}

/**
 * Canonical usage → Anthropic's. Anthropic's `input_tokens` excludes cache reads and writes, which
 * canonical `inputTokens` includes, so they are subtracted.
 *
 * @example
 * convertToAnthropicUsage({ ...emptyUsage(), inputTokens: 1200, cacheReadTokens: 1024, outputTokens: 9 }, '5m')
 * // { input_tokens: 176, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 9, … }
 */
export function convertToAnthropicUsage(usage: Usage, ttl: '5m' | '1h'): AnthropicUsage {
  const cacheRead = usage.cacheReadTokens;
  const cacheWrite = usage.cacheWriteTokens;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: ttl === '5m' ? cacheWrite : 0,
      ephemeral_1h_input_tokens: ttl === '1h' ? cacheWrite : 0,
    },
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
    server_tool_use: null,
  };
}
