import { alphanumeric } from '../engine/ids.js';
import type { CacheUsage } from './bedrock-prompt-cache.js';
import type { BedrockReply, ReplyBlock } from './generate-bedrock-reply.js';
import { type EventStreamPlan, encodePaddedEvent } from './write-event-stream.js';

/** What an Anthropic-format answer needs besides the reply. */
export interface AnthropicOutcome {
  reply: BedrockReply;
  /** The model's dated name, e.g. `claude-3-5-sonnet-20241022`. */
  model: string;
  promptTokens: number;
  cache: CacheUsage | undefined;
  latencyMs: number;
  firstByteLatencyMs: number;
  /** Bedrock's additions when a guardrail is configured: action and (if asked) trace. */
  guardrail: { intervened: boolean; trace: Record<string, unknown> | undefined } | undefined;
}

function stopReason(reply: BedrockReply): string {
  // A guardrail answer is a normal end of turn in Claude's vocabulary; Bedrock flags it separately.
  return reply.stopReason === 'guardrail_intervened' ? 'end_turn' : reply.stopReason;
}

function usageOf(outcome: AnthropicOutcome): Record<string, number> {
  const read = outcome.cache?.readTokens ?? 0;
  const write = outcome.cache?.writeTokens ?? 0;
  return {
    input_tokens: outcome.promptTokens - read - write,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: outcome.reply.outputTokens,
  };
}

function blockJson(block: ReplyBlock): Record<string, unknown> {
  if (block.type === 'text') return { type: 'text', text: block.text };
  return { type: 'tool_use', id: `toolu_bdrk_01${block.idSuffix}`, name: block.name, input: block.input };
}

function guardrailFields(outcome: AnthropicOutcome): Record<string, unknown> {
  const guardrail = outcome.guardrail;
  if (guardrail === undefined) return {};
  return {
    'amazon-bedrock-guardrailAction': guardrail.intervened ? 'INTERVENED' : 'NONE',
    ...(guardrail.trace ? { 'amazon-bedrock-trace': guardrail.trace } : {}),
  };
}

/** The InvokeModel body for Claude: an Anthropic `message`. */
export function buildAnthropicMessage(outcome: AnthropicOutcome): Record<string, unknown> {
  return {
    id: `msg_bdrk_01${alphanumeric(22)}`,
    type: 'message',
    role: 'assistant',
    model: outcome.model,
    content: outcome.reply.blocks.map(blockJson),
    stop_reason: stopReason(outcome.reply),
    stop_sequence: outcome.reply.stopSequence,
    usage: usageOf(outcome),
    ...guardrailFields(outcome),
  };
}

/** One `chunk` event whose `bytes` are one Anthropic stream event, base64-encoded. */
function chunk(event: Record<string, unknown>): Uint8Array {
  return encodePaddedEvent('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') });
}

function blockChunks(block: ReplyBlock, index: number): Uint8Array[] {
  const start =
    block.type === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: `toolu_bdrk_01${block.idSuffix}`, name: block.name, input: {} };
  const chunks = [chunk({ type: 'content_block_start', index, content_block: start })];
  for (const piece of block.pieces) {
    const delta =
      block.type === 'text'
        ? { type: 'text_delta', text: piece }
        : { type: 'input_json_delta', partial_json: piece };
    chunks.push(chunk({ type: 'content_block_delta', index, delta }));
  }
  chunks.push(chunk({ type: 'content_block_stop', index }));
  return chunks;
}

/**
 * InvokeModelWithResponseStream for Claude: Anthropic's stream events (`message_start` …
 * `message_stop`), each in a `chunk`; the last carries `amazon-bedrock-invocationMetrics`.
 */
export function buildAnthropicStreamPlan(outcome: AnthropicOutcome): EventStreamPlan {
  const message = buildAnthropicMessage(outcome);
  const usage = usageOf(outcome);
  const frames = [
    chunk({
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  const contentStart = frames.length;
  outcome.reply.blocks.forEach((block, index) => {
    frames.push(...blockChunks(block, index));
  });
  const contentEnd = frames.length;
  frames.push(
    chunk({
      type: 'message_delta',
      delta: { stop_reason: stopReason(outcome.reply), stop_sequence: outcome.reply.stopSequence },
      usage: { output_tokens: outcome.reply.outputTokens },
      ...guardrailFields(outcome),
    }),
    chunk({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: usage['input_tokens'],
        outputTokenCount: outcome.reply.outputTokens,
        invocationLatency: outcome.latencyMs,
        firstByteLatency: outcome.firstByteLatencyMs,
      },
    }),
  );
  return { frames, contentStart, contentEnd };
}
