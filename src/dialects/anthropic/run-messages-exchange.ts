import type { FastifyReply, FastifyRequest } from 'fastify';
import { runExchange } from '../../server/exchange.js';
import type { Gateway } from '../../server/gateway.js';
import { parseJsonBody } from '../openai/parse-json-body.js';
import { type AnthropicOutputState, createAnthropicWriter } from './create-anthropic-writer.js';
import { parseMessagesRequest } from './parse-messages-request.js';
import {
  checkAnthropicVersion,
  readAnthropicBetas,
  readAnthropicCredential,
} from './read-anthropic-headers.js';

/**
 * Runs `POST /v1/messages` through the pipeline. The body (and `anthropic-version`) are checked
 * lazily by the pipeline's parse stage, after authentication, so a bad key gets 401 whatever the
 * request holds, and every rejection leaves a usage row.
 */
export function runMessagesExchange(gateway: Gateway, request: FastifyRequest, reply: FastifyReply) {
  const state: AnthropicOutputState = { warnings: [] };
  const body = typeof request.body === 'string' ? request.body : undefined;
  const headers = request.headers;
  return runExchange(gateway, request, reply, {
    dialect: 'anthropic',
    credential: readAnthropicCredential(headers),
    parseBody() {
      checkAnthropicVersion(headers);
      const parsed = parseMessagesRequest(parseJsonBody(body), { betas: readAnthropicBetas(headers) });
      state.warnings.push(...parsed.warnings);
      return { operation: 'chat', request: parsed.request };
    },
    writer: createAnthropicWriter(state),
  });
}
