import type { Warning } from '../../core/warning.js';
import type { AnthropicBlock } from './convert-to-anthropic-messages.js';

export const MAX_CACHE_BREAKPOINTS = 4;

function holders(blocks: readonly AnthropicBlock[]): AnthropicBlock[] {
  const found: AnthropicBlock[] = [];
  for (const block of blocks) {
    const nested =
      block.type === 'tool_result' && Array.isArray(block['content'])
        ? (block['content'] as AnthropicBlock[])
        : [];
    for (const inner of nested) if (inner.cache_control !== undefined) found.push(inner);
    if (block.cache_control !== undefined) found.push(block);
  }
  return found;
}

/**
 * Makes the breakpoints acceptable to the API, which refuses more than 4 and a 1-hour entry after a
 * 5-minute one: the last 4 are kept (they cover the longest prefixes) and a 1h breakpoint after a 5m
 * one is shortened to 5m. Each change is reported as a warning. `blocks` is the prompt in cache order
 * (tools carry none in core, then system, then messages); the blocks are changed in place.
 *
 * @example limitCacheBreakpoints([...system, ...messages.flatMap((message) => message.content)], warnings);
 */
export function limitCacheBreakpoints(blocks: readonly AnthropicBlock[], warnings: Warning[]): void {
  const marked = holders(blocks);
  const excess = marked.length - MAX_CACHE_BREAKPOINTS;
  if (excess > 0) {
    for (const block of marked.slice(0, excess)) delete block.cache_control;
    warnings.push({
      type: 'other',
      message: `${marked.length} cache breakpoints; Anthropic accepts ${MAX_CACHE_BREAKPOINTS}, kept the last ${MAX_CACHE_BREAKPOINTS}`,
    });
  }
  let sawShort = false;
  for (const block of marked.slice(Math.max(0, excess))) {
    if (block.cache_control?.ttl !== '1h') sawShort = true;
    else if (sawShort) {
      block.cache_control = { type: 'ephemeral' };
      warnings.push({ type: 'other', message: 'a 1h cache breakpoint after a 5m one was shortened to 5m' });
    }
  }
}
