import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { toFrameworkError } from '../openai/register-scope-fallbacks.js';
import { flavorForUrl } from './parse-gemini-path.js';
import { sendGoogleError } from './write-error.js';

/** Failures before a handler ran (body too large, unreadable body) answer in Google's shape and are recorded. */
export function setGoogleErrorHandler(scope: FastifyInstance, gateway: Gateway): void {
  scope.setErrorHandler((error: unknown, request, reply) => {
    const gatewayError = toFrameworkError(error, scope.initialConfig.bodyLimit ?? 0);
    if (gatewayError.status >= 500) gateway.log.error({ err: error }, 'request failed outside the exchange');
    if (reply.sent) return;
    gateway.recordEarlyRejection('gemini', gatewayError, gatewayError.status);
    return sendGoogleError(reply, gatewayError, flavorForUrl(request.url), randomUUID());
  });
}

/** `…/{resource}:{method}`: a path naming a model method, which only POST may call. */
const METHOD_PATH = /\/[^/]+:[A-Za-z]+$/;

/** Answers a model method called with the wrong HTTP method: 405 with `allow: POST`. Returns undefined otherwise. */
export function refuseWrongMethod(request: FastifyRequest, reply: FastifyReply) {
  const url = request.url.split('?')[0] ?? request.url;
  if (request.method === 'POST' || !METHOD_PATH.test(url)) return undefined;
  const error = new GatewayError(
    'method_not_allowed',
    `${request.method} is not allowed on ${url}; use POST.`,
  );
  reply.header('allow', 'POST');
  return sendGoogleError(reply, error, flavorForUrl(request.url), randomUUID());
}

/** Unknown paths under `/v1beta` and `/v1beta1` → 404, and a model method with the wrong HTTP method → 405. */
export function setGoogleNotFoundHandler(scope: FastifyInstance): void {
  scope.setNotFoundHandler((request, reply) => {
    const refused = refuseWrongMethod(request, reply);
    if (refused !== undefined) return refused;
    const url = request.url.split('?')[0] ?? request.url;
    const error = new GatewayError('not_found', `Unknown request URL: ${request.method} ${url}.`);
    return sendGoogleError(reply, error, flavorForUrl(request.url), randomUUID());
  });
}
