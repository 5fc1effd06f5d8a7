import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { toFrameworkError } from '../openai/register-scope-fallbacks.js';
import { handleCountTokens } from './handle-count-tokens.js';
import { runMessagesExchange } from './run-messages-exchange.js';
import { sendAnthropicErrorReply } from './write-error.js';

/** The scope's prefix: the Anthropic SDK's paths all start with it. */
export const ANTHROPIC_PREFIX = '/v1/messages';

/** Paths (within the prefix) the dialect serves, all POST-only, to tell 405 from 404. */
const POST_ONLY = /^\/v1\/messages(\/count_tokens)?\/?$/;

/**
 * Failures before a handler runs (body too large, unreadable content type) and unknown paths or
 * methods under `/v1/messages` answer in Anthropic's error shape. Rejections on real routes leave a
 * usage row, as in every dialect.
 */
function registerFallbacks(scope: FastifyInstance, gateway: Gateway): void {
  scope.setErrorHandler((error: unknown, _request, reply) => {
    const gatewayError = toFrameworkError(error, scope.initialConfig.bodyLimit ?? 0);
    if (gatewayError.status >= 500) gateway.log.error({ err: error }, 'request failed outside the exchange');
    if (reply.sent) return;
    gateway.recordEarlyRejection('anthropic', gatewayError, gatewayError.status);
    return sendAnthropicErrorReply(reply, gatewayError, randomUUID());
  });

  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (POST_ONLY.test(path)) {
      const error = new GatewayError(
        'method_not_allowed',
        `${request.method} is not allowed on ${path}; use POST.`,
      );
      reply.header('allow', 'POST');
      return sendAnthropicErrorReply(reply, error, randomUUID());
    }
    const error = new GatewayError('not_found', `Unknown request URL: ${request.method} ${path}.`);
    return sendAnthropicErrorReply(reply, error, randomUUID());
  });
}

/**
 * The Anthropic Messages dialect, mounted with `prefix: '/v1/messages'` next to the OpenAI `/v1`
 * scope (Fastify routes the longer prefix here, everything else under `/v1` stays OpenAI's):
 * `POST /v1/messages` (JSON or SSE; the beta namespace's `?beta=true` is accepted and ignored) and
 * `POST /v1/messages/count_tokens` (a local estimate). Credentials: `x-api-key` or
 * `Authorization: Bearer`; `anthropic-version` is required and `anthropic-beta` is passed on.
 *
 * @example
 * app.register(async (scope) => registerAnthropicRoutes(scope, gateway), { prefix: ANTHROPIC_PREFIX });
 */
export function registerAnthropicRoutes(scope: FastifyInstance, gateway: Gateway): void {
  registerFallbacks(scope, gateway);
  scope.post('/', (request, reply) => runMessagesExchange(gateway, request, reply));
  scope.post('/count_tokens', (request, reply) => handleCountTokens(gateway, request, reply));
}
