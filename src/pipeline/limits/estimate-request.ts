import type { ChatMessage, ChatRequest } from '../../core/chat-request.js';
import type { EmbedRequest } from '../../core/embed-request.js';
import type { ParsedRequest } from '../gateway-context.js';

/** What a request may consume, estimated before it runs (reserved, then reconciled with the truth). */
export interface RequestEstimate {
  /** About four characters per token: the TPM reservation (reconciled afterwards, so close is enough). */
  promptTokens: number;
  /**
   * A bound the real count does not exceed: UTF-8 bytes (a byte-level BPE or SentencePiece
   * tokenizer never makes more tokens than bytes) plus generous framing. Budgets price this, so a
   * reservation really is the request's maximum cost.
   */
  promptTokensUpperBound: number;
  /** The request's output cap, or the configured default when it sets none; 0 for embeddings. */
  maxOutputTokens: number;
}

/** Images, documents and audio: a generous flat allowance; their real size depends on the model. */
const MEDIA_TOKENS = 2_000;
/** Role and framing tokens around each message, and around the whole conversation. */
const MESSAGE_OVERHEAD_TOKENS = 4;
const CONVERSATION_OVERHEAD_TOKENS = 3;
/** Providers add a system preamble when tools are offered (Anthropic's is several hundred tokens). */
const TOOLS_OVERHEAD_TOKENS = 500;

interface Tally {
  characters: number;
  bytes: number;
  fixed: number;
}

function addText(tally: Tally, text: string): void {
  tally.characters += text.length;
  tally.bytes += Buffer.byteLength(text, 'utf8');
}

function addMessage(tally: Tally, message: ChatMessage): void {
  tally.fixed += MESSAGE_OVERHEAD_TOKENS;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        addText(tally, part.text);
        break;
      case 'tool-call':
        addText(tally, part.toolName + part.input);
        break;
      case 'tool-result':
        for (const output of part.output) {
          if (output.type === 'text') addText(tally, output.text);
          else tally.fixed += MEDIA_TOKENS;
        }
        break;
      default:
        tally.fixed += MEDIA_TOKENS;
    }
  }
}

function tallyChat(request: ChatRequest): Tally {
  const tally: Tally = { characters: 0, bytes: 0, fixed: CONVERSATION_OVERHEAD_TOKENS };
  for (const message of request.messages) addMessage(tally, message);
  // Tool definitions and a JSON schema reach the model as prompt tokens too.
  if (request.tools !== undefined && request.tools.length > 0) {
    addText(tally, JSON.stringify(request.tools));
    tally.fixed += TOOLS_OVERHEAD_TOKENS;
  }
  if (request.responseFormat?.type === 'json-schema')
    addText(tally, JSON.stringify(request.responseFormat.schema));
  return tally;
}

function tallyEmbed(request: EmbedRequest): Tally {
  const tally: Tally = { characters: 0, bytes: 0, fixed: 0 };
  for (const input of request.input) {
    if (typeof input === 'string') addText(tally, input);
    else tally.fixed += input.length;
  }
  return tally;
}

/**
 * Estimates a request in one cheap pass (no tokenizer on the hot path): prompt tokens at ~4
 * characters per token for TPM, an upper bound from UTF-8 bytes for budgets, and the output cap
 * from the request, or `defaultMaxOutputTokens` when it has none.
 *
 * @example
 * // One user message, 'Hello, world!', no max_tokens:
 * estimateRequest({ operation: 'chat', request }, 4096)
 * // { promptTokens: 11, promptTokensUpperBound: 20, maxOutputTokens: 4096 }
 */
export function estimateRequest(parsed: ParsedRequest, defaultMaxOutputTokens: number): RequestEstimate {
  const tally = parsed.operation === 'embed' ? tallyEmbed(parsed.request) : tallyChat(parsed.request);
  return {
    promptTokens: tally.fixed + Math.ceil(tally.characters / 4),
    promptTokensUpperBound: tally.fixed + tally.bytes,
    maxOutputTokens:
      parsed.operation === 'embed' ? 0 : (parsed.request.maxOutputTokens ?? defaultMaxOutputTokens),
  };
}
