import { createHash, type Hash } from 'node:crypto';
import { Hasher } from '../engine/prng.js';
import type { Encoder } from '../engine/tokenizer.js';

/** A cache breakpoint: the prompt prefix before it, as a token count and a fingerprint. */
export interface CachePointMark {
  tokens: number;
  fingerprint: string;
  ttlMs: number;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/**
 * One pass over a prompt in the order Claude reads it (tools, system, messages): counts input tokens,
 * feeds the generation seed, and fingerprints the prefix at every cache point, so a repeated prefix
 * is recognised without keeping any prompt text.
 * @example const prompt = new PromptAccumulator(encoder, model.id); prompt.addText('Hi'); prompt.seed()
 */
export class PromptAccumulator {
  tokens = 0;
  readonly cachePoints: CachePointMark[] = [];
  private readonly hasher = new Hasher();
  private readonly digest: Hash = createHash('sha256');

  constructor(
    readonly encoder: Encoder,
    modelId: string,
  ) {
    this.hasher.update(modelId);
    this.digest.update(modelId);
  }

  /** Adds text to the prompt; returns its token count. */
  addText(text: string): number {
    const count = this.encoder.encode(text).length;
    this.tokens += count;
    this.feed(text);
    return count;
  }

  /** Adds `count` tokens standing for something non-textual (framing, an image), identified by `identity`. */
  addOpaque(count: number, identity: string): void {
    this.tokens += count;
    this.feed(`\u0000${identity}`);
  }

  /** Changes the answer without being part of the prompt's tokens (tool choice, for instance). */
  addSeed(text: string): void {
    this.hasher.update(text);
  }

  addCachePoint(ttl: '5m' | '1h' | undefined): void {
    this.cachePoints.push({
      tokens: this.tokens,
      fingerprint: this.digest.copy().digest('base64url'),
      ttlMs: TTL_MS[ttl ?? '5m'],
    });
  }

  seed(): number {
    return this.hasher.digest();
  }

  private feed(text: string): void {
    this.hasher.update(text);
    this.digest.update(text);
    this.digest.update('\u0001');
  }
}
