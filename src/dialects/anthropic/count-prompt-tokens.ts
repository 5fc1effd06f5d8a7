import type { ChatRequest } from '../../core/chat-request.js';
import { countTextTokens, estimatePromptTokens } from '../../pipeline/accounting/estimate-tokens.js';

/** The encoding every count uses, reported to the client so nobody mistakes it for Claude's own. */
export const TOKENIZER_NAME = 'o200k_base';

function plainTextDocuments(request: ChatRequest): string[] {
  const texts: string[] = [];
  for (const message of request.messages) {
    for (const part of message.content) {
      if (
        part.type === 'document' &&
        part.source.type === 'base64' &&
        part.source.mediaType === 'text/plain'
      ) {
        texts.push(Buffer.from(part.source.data, 'base64').toString('utf8'));
      }
    }
  }
  return texts;
}

/**
 * Estimates the prompt's input tokens locally with the o200k tokenizer: message text (the shared
 * accounting estimate, with its per-message framing), plain-text documents, and tool definitions.
 * It is not Claude's tokenizer, so counts differ from Anthropic's by a few percent; images count a
 * fixed amount and PDF documents are not counted.
 *
 * @example
 * await countPromptTokens({ model: 'claude', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] })
 * // 7
 */
export async function countPromptTokens(request: ChatRequest): Promise<number> {
  let total = await estimatePromptTokens(request);
  for (const text of plainTextDocuments(request)) total += await countTextTokens(text);
  for (const tool of request.tools ?? []) {
    total += await countTextTokens(
      JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }),
    );
  }
  return total;
}
