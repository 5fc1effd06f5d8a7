import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { sendErrorReply } from './send-error-reply.js';
import type { WireFlavor } from './wire-flavor.js';

/** A path the scope serves and the methods it accepts there, to tell 405 from 404. */
export interface RouteShape {
  pattern: RegExp;
  methods: readonly string[];
}

function readProperty(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

/** Fastify's own failures (body too large, unreadable content type …) as gateway errors. */
export function toFrameworkError(error: unknown, bodyLimit: number): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = readProperty(error, 'code');
  const status = readProperty(error, 'statusCode');
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError(
      'request_too_large',
      `The request body is larger than the limit of ${bodyLimit} bytes.`,
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return new GatewayError(
      'unsupported_media_type',
      'The request body has a content type the gateway cannot read; send application/json.',
    );
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = readProperty(error, 'message');
    return new GatewayError(
      'invalid_request',
      typeof message === 'string' ? message : 'The request is invalid.',
      { status },
    );
  }
  return new GatewayError('internal_error', 'An internal error occurred.', { cause: error });
}

/**
 * Gives a dialect scope its own error handler and not-found handler, so failures that happen before
 * a route handler runs (body too large, unknown path, wrong method) still answer in the dialect's
 * shape. Rejected requests on real routes leave a usage row; unknown paths do not.
 */
export function registerScopeFallbacks(
  scope: FastifyInstance,
  gateway: Gateway,
  flavor: WireFlavor,
  routes: readonly RouteShape[],
): void {
  scope.setErrorHandler((error: unknown, _request, reply) => {
    const gatewayError = toFrameworkError(error, scope.initialConfig.bodyLimit ?? 0);
    if (gatewayError.status >= 500) gateway.log.error({ err: error }, 'request failed outside the exchange');
    if (reply.sent) return;
    gateway.recordEarlyRejection(flavor.dialect, gatewayError, gatewayError.status);
    return sendErrorReply(reply, gatewayError, flavor, randomUUID());
  });

  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const route = routes.find((candidate) => candidate.pattern.test(path));
    if (route !== undefined && !route.methods.includes(request.method)) {
      const error = new GatewayError(
        'method_not_allowed',
        `${request.method} is not allowed on ${path}; use ${route.methods.join(' or ')}.`,
      );
      reply.header('allow', route.methods.join(', '));
      return sendErrorReply(reply, error, flavor, randomUUID());
    }
    const error = new GatewayError('not_found', `Unknown request URL: ${request.method} ${path}.`);
    return sendErrorReply(reply, error, flavor, randomUUID());
  });
}
