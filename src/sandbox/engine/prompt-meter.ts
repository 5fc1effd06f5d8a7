import type { Encoder } from './tokenizer.js';

/** OpenAI only caches prompts of at least 1024 tokens, and then in 128-token steps. */
export const PROMPT_CACHE_MIN_TOKENS = 1024;
export const PROMPT_CACHE_STEP_TOKENS = 128;

/**
 * Counts prompt tokens as they are fed and, for the prefix cache, fingerprints the token sequence at every
 * cacheable boundary (1024, 1152, …) with two rolling 32-bit hashes, so no token array is ever kept.
 * Non-text parts (message framing, images) are fed as synthetic tokens so they still shape the prefix.
 */
export class PromptMeter {
  tokens = 0;
  /** Fingerprints of the prefixes ending at each cacheable boundary, shortest first. */
  readonly boundaries: string[] = [];
  private hashA = 0x811c9dc5;
  private hashB = 0x12345678;

  constructor(readonly encoder: Encoder) {}

  /** Adds text and returns its own token count. */
  addText(text: string): number {
    const tokens = this.encoder.encode(text);
    for (const token of tokens) this.push(token);
    return tokens.length;
  }

  /** Adds `count` tokens that stand for something with the given identity (a role, an image URL hash). */
  addOpaque(count: number, identity: number): void {
    for (let index = 0; index < count; index++) this.push((identity + index) | 0);
  }

  private push(token: number): void {
    this.hashA = Math.imul(this.hashA ^ token, 0x01000193);
    this.hashB = Math.imul(this.hashB ^ token, 0x5bd1e995) ^ (this.hashB >>> 15);
    this.tokens++;
    if (this.tokens >= PROMPT_CACHE_MIN_TOKENS && this.tokens % PROMPT_CACHE_STEP_TOKENS === 0) {
      this.boundaries.push(
        `${this.tokens}:${(this.hashA >>> 0).toString(36)}:${(this.hashB >>> 0).toString(36)}`,
      );
    }
  }
}
