/**
 * Real BPE tokenizers (gpt-tokenizer), loaded once per encoding. Loading a rank table costs ~0.5 s, so
 * `startSandbox` awaits `loadEncoding` for every encoding its models use and the request path only ever
 * calls the synchronous `getEncoder`.
 */

export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface Encoder {
  readonly name: EncodingName;
  encode(text: string): number[];
  /** Text pieces for streaming: one per token, except that a multi-byte character split over tokens stays whole. */
  decodePieces(tokens: readonly number[]): string[];
  decode(tokens: readonly number[]): string;
}

interface EncodingModule {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(tokens: Iterable<number>): string;
  decodeGenerator(tokens: Iterable<number>): Generator<string, void, void>;
}

// The API treats "<|endoftext|>" inside user content as plain text; gpt-tokenizer throws by default.
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

const loaded = new Map<EncodingName, Encoder>();

async function importEncoding(name: EncodingName): Promise<EncodingModule> {
  if (name === 'cl100k_base') return import('gpt-tokenizer/encoding/cl100k_base');
  return import('gpt-tokenizer/encoding/o200k_base');
}

/**
 * @example const encoder = await loadEncoding('o200k_base'); encoder.encode('hello').length // 1
 */
export async function loadEncoding(name: EncodingName): Promise<Encoder> {
  const existing = loaded.get(name);
  if (existing) return existing;
  const module = await importEncoding(name);
  const encoder: Encoder = {
    name,
    encode: (text) => (text.length === 0 ? [] : module.encode(text, ENCODE_OPTIONS)),
    decodePieces: (tokens) => [...module.decodeGenerator(tokens)],
    decode: (tokens) => module.decode(tokens),
  };
  loaded.set(name, encoder);
  return encoder;
}

export function getEncoder(name: EncodingName): Encoder {
  const encoder = loaded.get(name);
  if (!encoder) throw new Error(`encoding ${name} was not loaded; call loadEncoding() at start-up`);
  return encoder;
}
