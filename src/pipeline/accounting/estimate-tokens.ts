import type { ChatRequest } from '../../core/chat-request.js';

type Encoder = (text: string) => number[];
let encoder: Encoder | undefined;

/**
 * Loads the o200k tokenizer on first use. It is only needed off the happy path (a stream cut before
 * the provider reported usage), so its tables are not loaded at start.
 */
async function loadEncoder(): Promise<Encoder> {
  if (encoder === undefined) {
    const module = await import('gpt-tokenizer/encoding/o200k_base');
    encoder = module.encode;
  }
  return encoder;
}

export async function countTextTokens(text: string): Promise<number> {
  if (text === '') return 0;
  return (await loadEncoder())(text).length;
}

/** Prompt tokens as OpenAI counts chat input: text of every message plus ~3 tokens of framing each. */
export async function estimatePromptTokens(request: ChatRequest): Promise<number> {
  const encode = await loadEncoder();
  let total = 3;
  for (const message of request.messages) {
    total += 3;
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') total += encode(part.text).length;
      else if (part.type === 'tool-call') total += encode(part.toolName + part.input).length;
      else if (part.type === 'tool-result') {
        for (const output of part.output) if (output.type === 'text') total += encode(output.text).length;
      } else if (part.type === 'image') total += 765;
    }
  }
  return total;
}
