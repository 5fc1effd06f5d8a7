import type { ChatRequest } from '../core/chat-request.js';
import type { EmbedRequest } from '../core/embed-request.js';
import { countTextTokens } from '../pipeline/accounting/estimate-tokens.js';

/**
 * The size of what a model will read, measured in one cheap pass (no tokenizer): characters and
 * UTF-8 bytes of the text, plus tokens that do not come from text (message framing, images).
 */
export interface PromptMeasure {
  /** UTF-16 code units of the text. */
  characters: number;
  /** UTF-8 bytes of the text. Byte-level BPE never makes more tokens than bytes: a hard upper bound. */
  bytes: number;
  /** Message framing (3 per message + 3, as OpenAI counts), images, documents, audio, token inputs. */
  fixedTokens: number;
  /** The texts themselves, by reference, for an exact count when one is needed. */
  texts: string[];
}

// Rough, deliberately high constants for non-text parts (an OpenAI high-detail 1024² image is 765).
const IMAGE_TOKENS = 765;
const DOCUMENT_TOKENS = 1_500;
const AUDIO_TOKENS = 100;

function addText(measure: PromptMeasure, text: string): void {
  if (text === '') return;
  measure.characters += text.length;
  measure.bytes += Buffer.byteLength(text, 'utf8');
  measure.texts.push(text);
}

/**
 * Measures a chat request's prompt: messages, tool definitions and a response JSON schema.
 *
 * @example
 * measureChatPrompt(request).bytes // ≥ the prompt's token count for any OpenAI tokenizer
 */
export function measureChatPrompt(request: ChatRequest): PromptMeasure {
  const measure: PromptMeasure = { characters: 0, bytes: 0, fixedTokens: 3, texts: [] };
  for (const message of request.messages) {
    measure.fixedTokens += 3;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          addText(measure, part.text);
          break;
        case 'tool-call':
          addText(measure, part.toolName);
          addText(measure, part.input);
          break;
        case 'tool-result':
          for (const output of part.output) {
            if (output.type === 'text') addText(measure, output.text);
            else measure.fixedTokens += IMAGE_TOKENS;
          }
          break;
        case 'image':
          measure.fixedTokens += IMAGE_TOKENS;
          break;
        case 'document':
          measure.fixedTokens += DOCUMENT_TOKENS;
          break;
        case 'audio':
          measure.fixedTokens += AUDIO_TOKENS;
          break;
      }
    }
  }
  for (const tool of request.tools ?? []) {
    addText(measure, tool.name);
    addText(measure, tool.description ?? '');
    addText(measure, JSON.stringify(tool.inputSchema));
  }
  if (request.responseFormat?.type === 'json-schema')
    addText(measure, JSON.stringify(request.responseFormat.schema));
  return measure;
}

/** Measures embedding input: texts, or pre-tokenised arrays (whose length is their token count). */
export function measureEmbedInput(request: EmbedRequest): PromptMeasure {
  const measure: PromptMeasure = { characters: 0, bytes: 0, fixedTokens: 0, texts: [] };
  for (const item of request.input) {
    if (typeof item === 'string') addText(measure, item);
    else measure.fixedTokens += item.length;
  }
  return measure;
}

/** No tokenizer can count more than this many tokens for the measured prompt. */
export function upperBoundTokens(measure: PromptMeasure): number {
  return measure.bytes + measure.fixedTokens;
}

/**
 * A quick estimate without a tokenizer: ~4 characters per token for OpenAI's o200k (English prose
 * runs 4–6), and a conservative 3 for other vendors' tokenizers, which split text finer.
 */
export function estimateTokens(measure: PromptMeasure, tokenizer: 'o200k' | 'estimate'): number {
  const perToken = tokenizer === 'o200k' ? 4 : 3;
  return Math.ceil(measure.characters / perToken) + measure.fixedTokens;
}

/** The exact o200k count of the text (loads the tokenizer on first use, ~1 s and ~100 MB). */
export async function countO200kTokens(measure: PromptMeasure): Promise<number> {
  let total = measure.fixedTokens;
  for (const text of measure.texts) total += await countTextTokens(text);
  return total;
}
