import type { StreamPlan } from '../engine/pacing.js';
import type { Encoder } from '../engine/tokenizer.js';
import type { GeneratedBlock } from './generate-message.js';
import { type MessageResult, stopDetails } from './message-body.js';

/** One SSE frame: the `event:` line carries the same name as the JSON's `type`, as the SDK requires. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const OVERLOADED_FRAME = sseFrame('error', {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
});

function startBlock(block: GeneratedBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '', citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function blockDeltas(block: GeneratedBlock, index: number, encoder: Encoder): string[] {
  const delta = (value: Record<string, unknown>) =>
    sseFrame('content_block_delta', { type: 'content_block_delta', index, delta: value });
  switch (block.type) {
    case 'text':
      return encoder.decodePieces(block.tokens).map((text) => delta({ type: 'text_delta', text }));
    case 'thinking':
      return [
        ...encoder.decodePieces(block.tokens).map((thinking) => delta({ type: 'thinking_delta', thinking })),
        delta({ type: 'signature_delta', signature: block.signature }),
      ];
    case 'redacted_thinking':
      return [];
    case 'tool_use':
      // The first fragment is empty, as the API sends it; the rest arrive a few characters at a time.
      return [
        delta({ type: 'input_json_delta', partial_json: '' }),
        ...encoder
          .decodePieces(toolInputTokens(block, encoder))
          .map((partial) => delta({ type: 'input_json_delta', partial_json: partial })),
      ];
  }
}

/** Streams the input actually reported (tool arguments cut by `max_tokens` become `{}`). */
function toolInputTokens(block: Extract<GeneratedBlock, { type: 'tool_use' }>, encoder: Encoder): number[] {
  const json = JSON.stringify(block.input);
  return encoder.decode(block.tokens) === json ? block.tokens : encoder.encode(json);
}

/**
 * The SSE frames of a streamed message, in the API's order: `message_start`, per block
 * `content_block_start` / deltas / `content_block_stop` (a `ping` after the first start),
 * `message_delta` with cumulative usage, `message_stop`. Content frames are paced one per token.
 * @example writeStream(response, buildMessageStreamFrames(result, encoder), pacing);
 */
export function buildMessageStreamFrames(result: MessageResult, encoder: Encoder): StreamPlan {
  const { message, usage } = result;
  const frames = [
    sseFrame('message_start', {
      type: 'message_start',
      message: {
        id: result.id,
        type: 'message',
        role: 'assistant',
        model: result.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens), output_tokens_details: null },
      },
    }),
  ];
  let contentStart = -1;
  message.blocks.forEach((block, index) => {
    frames.push(
      sseFrame('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: startBlock(block),
      }),
    );
    if (index === 0) frames.push(sseFrame('ping', { type: 'ping' }));
    if (contentStart < 0) contentStart = frames.length;
    frames.push(...blockDeltas(block, index, encoder));
    frames.push(sseFrame('content_block_stop', { type: 'content_block_stop', index }));
  });
  if (contentStart < 0) {
    frames.push(sseFrame('ping', { type: 'ping' }));
    contentStart = frames.length;
  }
  const contentEnd = frames.length - 1;
  frames.push(
    sseFrame('message_delta', {
      type: 'message_delta',
      delta: {
        stop_reason: message.stopReason,
        stop_sequence: message.stopSequence,
        stop_details: stopDetails(message),
      },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
        output_tokens_details: usage.output_tokens_details,
        server_tool_use: null,
      },
    }),
    sseFrame('message_stop', { type: 'message_stop' }),
  );
  return { frames, contentStart, contentEnd: Math.max(contentEnd, contentStart) };
}
