import type { ChatRequest } from '../../core/chat-request.js';

/** Tokens Anthropic bills for an image of typical size; only a rough stand-in. */
const IMAGE_TOKENS = 1_600;

/**
 * A quick, tokenizer-free estimate of the prompt's tokens (about four characters a token) for the
 * `message_start` event, which must go out before the provider reports usage. It costs one pass
 * over the text and never delays the first byte; the exact figures follow in `message_delta`.
 *
 * @example
 * estimateInputTokens({ model: 'm', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }] }) // 3
 */
export function estimateInputTokens(request: ChatRequest | undefined): number {
  if (request === undefined) return 0;
  let characters = 0;
  let images = 0;
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') characters += part.text.length;
      else if (part.type === 'tool-call') characters += part.toolName.length + part.input.length;
      else if (part.type === 'image') images++;
      else if (part.type === 'tool-result') {
        for (const output of part.output) {
          if (output.type === 'text') characters += output.text.length;
          else images++;
        }
      }
    }
  }
  for (const tool of request.tools ?? []) characters += JSON.stringify(tool).length;
  return Math.ceil(characters / 4) + images * IMAGE_TOKENS;
}
