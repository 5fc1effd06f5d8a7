import type { ChatRequest } from '../../core/chat-request.js';
import { countTextTokens } from '../../pipeline/accounting/estimate-tokens.js';

/** What Gemini charges for one image (≤384 px a side) — used for every media part, whatever its size. */
const MEDIA_PART_TOKENS = 258;

export interface TokenEstimate {
  totalTokens: number;
  promptTokensDetails: Array<{ modality: string; tokenCount: number }>;
}

function collectText(request: ChatRequest, media: Map<string, number>): string[] {
  const texts: string[] = [];
  const addMedia = (modality: string) => media.set(modality, (media.get(modality) ?? 0) + MEDIA_PART_TOKENS);
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') texts.push(part.text);
      else if (part.type === 'tool-call') texts.push(part.toolName, part.input);
      else if (part.type === 'tool-result') {
        for (const output of part.output) {
          if (output.type === 'text') texts.push(output.text);
          else addMedia('IMAGE');
        }
      } else if (part.type === 'image') addMedia('IMAGE');
      else if (part.type === 'audio') addMedia('AUDIO');
      else addMedia('DOCUMENT');
    }
  }
  for (const tool of request.tools ?? []) texts.push(JSON.stringify(tool));
  return texts;
}

/**
 * Estimates a request's prompt tokens locally with the o200k tokenizer (the gateway makes no
 * provider round trip for `countTokens`): text of every part, tool declarations, and a flat 258
 * tokens per media part. It is an estimate — Gemini's own tokenizer counts differently.
 *
 * @example
 * await estimateRequestTokens({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello world' }] }] })
 * // { totalTokens: 2, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2 }] }
 */
export async function estimateRequestTokens(request: ChatRequest): Promise<TokenEstimate> {
  const media = new Map<string, number>();
  const textTokens = await countTextTokens(collectText(request, media).join('\n'));
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: textTokens }];
  for (const [modality, tokenCount] of media) promptTokensDetails.push({ modality, tokenCount });
  const totalTokens = promptTokensDetails.reduce((sum, entry) => sum + entry.tokenCount, 0);
  return { totalTokens, promptTokensDetails };
}
