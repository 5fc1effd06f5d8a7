import { createHmac, timingSafeEqual } from 'node:crypto';
import { alphanumeric } from '../engine/ids.js';
import type { Prng } from '../engine/prng.js';

// Signatures only need to tell the sandbox's own thinking from edited thinking; the key is not secret.
const SIGNING_KEY = 'converge-sandbox-thinking';

/** @example createMessageId() // 'msg_01' + 22 base62 characters */
export function createMessageId(): string {
  return `msg_01${alphanumeric(22)}`;
}

/** @example createAnthropicRequestId() // 'req_011C' + 20 base62 characters, as in `request-id` */
export function createAnthropicRequestId(): string {
  return `req_011C${alphanumeric(20)}`;
}

/** Tool-use ids come from the request's PRNG, so the same request yields the same ids. */
export function createToolUseId(prng: Prng): string {
  return `toolu_01${alphanumeric(22, prng)}`;
}

function mac(label: string, text: string): Buffer {
  return createHmac('sha256', SIGNING_KEY).update(label).update('\u0000').update(text).digest();
}

/**
 * The opaque `signature` of a thinking block: an HMAC of its text, so a block passed back edited is
 * refused as the real API refuses it.
 * @example verifyThinkingSignature(text, signThinking(text)) // true
 */
export function signThinking(thinking: string): string {
  return Buffer.concat([Buffer.from([0x12, 0xa4]), mac('thinking', thinking)]).toString('base64');
}

export function verifyThinkingSignature(thinking: string, signature: string): boolean {
  const expected = Buffer.from(signThinking(thinking), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Opaque `redacted_thinking` data, stable for one request. */
export function createRedactedThinkingData(seed: number): string {
  return Buffer.concat([mac('redacted', String(seed)), mac('padding', String(seed))]).toString('base64');
}
