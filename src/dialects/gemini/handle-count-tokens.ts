import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { parseJsonBody } from '../openai/parse-json-body.js';
import { authenticatePrincipal, checkModelVisible } from './authenticate-principal.js';
import { estimateRequestTokens } from './estimate-request-tokens.js';
import { normalizeFieldNames } from './normalize-field-names.js';
import { parseGenerateRequest } from './parse-generate-request.js';
import { type GoogleFlavor, sendGoogleError } from './write-error.js';

export interface CountTokensSpec {
  flavor: GoogleFlavor;
  credential: string | undefined;
  model: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Gemini wraps the request in `generateContentRequest`; Vertex (and Gemini's short form) sends it bare. */
function innerRequest(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const wrapped = body['generateContentRequest'];
  if (isRecord(wrapped)) return wrapped;
  const { generateContentRequest: _ignored, ...rest } = body;
  return rest;
}

/**
 * `:countTokens` — an estimate made locally with the o200k tokenizer (no provider round trip),
 * so it is approximate; the response says so in `x-converge-token-count: estimated`. The key must
 * be valid and allowed the model. Not inference: no usage row is recorded, as for model listing.
 */
export async function handleCountTokens(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: CountTokensSpec,
) {
  const requestId = randomUUID();
  try {
    const principal = await authenticatePrincipal(gateway, spec.credential);
    checkModelVisible(gateway, principal, spec.model);
    const text = typeof request.body === 'string' ? request.body : undefined;
    const body = normalizeFieldNames(parseJsonBody(text), text ?? '');
    const { request: chatRequest } = parseGenerateRequest(innerRequest(body), {
      model: spec.model,
      stream: false,
    });
    const estimate = await estimateRequestTokens(chatRequest);
    return reply
      .code(200)
      .headers({ 'x-converge-request-id': requestId, 'x-converge-token-count': 'estimated' })
      .send(estimate);
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'counting tokens failed');
    return sendGoogleError(reply, gatewayError, spec.flavor, requestId);
  }
}
