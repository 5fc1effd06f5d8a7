import { createPrng, hashString, mixSeeds } from './prng.js';

// Each word lights up this many hashed dimensions: enough that two texts sharing words correlate.
const FEATURES_PER_WORD = 8;
const MAX_WORDS = 512;

/**
 * A deterministic unit-length embedding for `text`. Words are feature-hashed into the vector (so texts
 * sharing words have a higher cosine similarity, which keeps semantic-cache and retrieval tests
 * meaningful), plus a little text-seeded noise so every distinct text has a distinct vector.
 * `dimensions` < native works like text-embedding-3: compute the native vector, keep the first
 * `dimensions` values and renormalise.
 * @example generateEmbedding('hello world', 1536, 256).length // 256
 */
export function generateEmbedding(
  text: string,
  nativeDimensions: number,
  dimensions = nativeDimensions,
): Float32Array {
  const vector = new Float64Array(nativeDimensions);
  const words = new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .slice(0, MAX_WORDS),
  );
  for (const word of words) {
    const wordHash = hashString(word);
    for (let feature = 0; feature < FEATURES_PER_WORD; feature++) {
      const hash = mixSeeds(wordHash, feature);
      vector[hash % nativeDimensions] = (vector[hash % nativeDimensions] ?? 0) + (hash & 0x80000000 ? -1 : 1);
    }
  }
  const prng = createPrng(hashString(text));
  const noise = 0.5 * Math.sqrt((FEATURES_PER_WORD * Math.max(1, words.size)) / nativeDimensions);
  for (let index = 0; index < nativeDimensions; index++) {
    // Sum of three uniforms: a cheap, bell-shaped, zero-mean variate.
    const variate = prng.next() + prng.next() + prng.next() - 1.5;
    vector[index] = (vector[index] ?? 0) + variate * 2 * noise;
  }
  let norm = 0;
  for (let index = 0; index < dimensions; index++) norm += (vector[index] ?? 0) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const result = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) result[index] = (vector[index] ?? 0) * scale;
  return result;
}

/** base64 of the raw float32 bytes, as `encoding_format: 'base64'` returns (Node runs little-endian here). */
export function embeddingToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** Float32 values printed with the ~9 significant digits the API uses, not float64's 17. */
export function embeddingToNumbers(vector: Float32Array): number[] {
  const numbers = new Array<number>(vector.length);
  for (let index = 0; index < vector.length; index++)
    numbers[index] = Number((vector[index] ?? 0).toPrecision(9));
  return numbers;
}
