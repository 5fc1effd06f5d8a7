import { randomUUID } from 'node:crypto';
import { createPrng, type Prng } from './prng.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Response ids only need to look unique, not be secret: a process-wide PRNG is cheaper than crypto per call.
const idPrng = createPrng(Number.parseInt(randomUUID().slice(0, 8), 16));

export function alphanumeric(length: number, prng: Prng = idPrng): string {
  let result = '';
  for (let index = 0; index < length; index++) result += ALPHANUMERIC.charAt(Math.floor(prng.next() * 62));
  return result;
}

/** @example createRequestId() // 'req_4f9c…' (32 hex digits), as in OpenAI's x-request-id */
export function createRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/** @example createCompletionId() // 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT' */
export function createCompletionId(): string {
  return `chatcmpl-${alphanumeric(29)}`;
}

/** Tool call ids are drawn from the request's PRNG, so the same request yields the same ids. */
export function createToolCallId(prng: Prng): string {
  return `call_${alphanumeric(24, prng)}`;
}

/** @example createFingerprint('gpt-4o') // 'fp_50cad350e4': stable per model, like the real one between deploys */
export function createFingerprint(seed: number): string {
  const prng = createPrng(seed);
  let result = 'fp_';
  for (let index = 0; index < 10; index++) result += Math.floor(prng.next() * 16).toString(16);
  return result;
}
