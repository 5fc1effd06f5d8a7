import type { Prng } from './prng.js';
import { CONTENT_WORDS, FUNCTION_WORDS, KEY_WORDS } from './vocabulary.js';

/** An answer's natural length when nothing else bounds it, in tokens (the vocabulary is ~1 token/word). */
export const NATURAL_LENGTH_TOKENS = { min: 20, max: 80 } as const;

const BORROWABLE_WORD = /^[\p{L}\p{N}][\p{L}\p{N}_-]{2,23}$/u;
const FILLER_WORDS = new Set([...FUNCTION_WORDS, 'call', 'please', 'use', 'tool', 'function', 'what', 'how']);

/**
 * Distinct words of the prompt worth echoing back (no glue words, no tool names). Echoing them makes
 * answers and tool arguments visibly depend on the prompt ("call get_weather for Paris" → "Paris").
 */
export function borrowWords(text: string, exclude: ReadonlySet<string> = new Set()): string[] {
  const words = new Set<string>();
  for (const raw of text.split(/[\s.,;:!?"'()[\]{}<>]+/)) {
    if (words.size >= 64) break;
    if (BORROWABLE_WORD.test(raw) && !FILLER_WORDS.has(raw.toLowerCase()) && !exclude.has(raw))
      words.add(raw);
  }
  return [...words];
}

function sentence(prng: Prng, wordCount: number, borrowed: readonly string[]): string {
  const words: string[] = [];
  for (let index = 0; index < wordCount; index++) {
    const roll = prng.next();
    if (roll < 0.35) words.push(prng.pick(FUNCTION_WORDS));
    else if (roll < 0.42 && borrowed.length > 0) words.push(prng.pick(borrowed));
    else words.push(prng.pick(CONTENT_WORDS));
  }
  const first = words[0] ?? 'ok';
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

/**
 * Pronounceable, deterministic prose of roughly `targetWords` words in sentences of 5–12 words.
 * @example generateProse(createPrng(1), 30, ['Paris']) // 'Harbor the signal of Paris builds. …'
 */
export function generateProse(prng: Prng, targetWords: number, borrowed: readonly string[] = []): string {
  const sentences: string[] = [];
  let remaining = Math.max(1, targetWords);
  while (remaining > 0) {
    const length = Math.min(remaining, prng.integer(5, 12));
    sentences.push(sentence(prng, Math.max(length, 2), borrowed));
    remaining -= length;
  }
  return sentences.join(' ');
}

/** The natural answer: a length drawn from the seed, in words, with the prompt's words sprinkled in. */
export function generateAnswer(prng: Prng, borrowed: readonly string[]): string {
  const tokens = prng.integer(NATURAL_LENGTH_TOKENS.min, NATURAL_LENGTH_TOKENS.max);
  // ~1.15 tokens per word once capitals and full stops are counted.
  return generateProse(prng, Math.round(tokens / 1.15), borrowed);
}

/** An answer to tool results that quotes each result, so a tool round trip is observable in the text. */
export function generateToolResultAnswer(
  prng: Prng,
  results: readonly { name: string | undefined; content: string }[],
): string {
  const quoted = results.map((result) => {
    const content = result.content.replace(/\s+/g, ' ').trim();
    const snippet = content.length > 200 ? `${content.slice(0, 200)}…` : content;
    return result.name ? `${result.name} returned ${snippet}` : `The tool returned ${snippet}`;
  });
  return `${quoted.join('; ')}. ${generateProse(prng, prng.integer(8, 24))}`;
}

/** A small JSON object for `response_format: json_object`. */
export function generateJsonObject(prng: Prng, borrowed: readonly string[]): string {
  const result: Record<string, string | number | string[]> = {};
  const keyCount = prng.integer(2, 4);
  for (let index = 0; index < keyCount; index++) {
    const key = prng.pick(KEY_WORDS);
    if (key === 'score') result[key] = prng.integer(0, 100);
    else if (key === 'items') result[key] = [prng.pick(CONTENT_WORDS), prng.pick(CONTENT_WORDS)];
    else result[key] = generateProse(prng, prng.integer(3, 10), borrowed);
  }
  return JSON.stringify(result);
}
