import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { toFrameworkError } from '../openai/register-scope-fallbacks.js';
import { writeJson } from '../openai/write-json.js';
import { BEDROCK_OPERATIONS, type BedrockOperation } from './create-bedrock-writer.js';
import { type BedrockRoute, runBedrockExchange } from './run-bedrock-exchange.js';
import { bedrockErrorFor, errorTypeHeader } from './write-error.js';

/** `/model/{modelId}/{operation}`, the model id one percent-encoded segment (an ARN's `/` is `%2F`). */
const MODEL_PATH = /^\/model\/([^/]+)\/([^/]+)\/?$/;

/**
 * Reads the operation and the raw model id from the URL exactly as received.
 *
 * @example
 * matchBedrockPath('/model/m%3A0/converse?x=1')
 * // { operation: 'converse', modelSegment: 'm%3A0', path: '/model/m%3A0/converse', query: 'x=1' }
 */
export function matchBedrockPath(url: string): BedrockRoute | undefined {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const match = MODEL_PATH.exec(path);
  const operation = match?.[2] as BedrockOperation | undefined;
  if (match?.[1] === undefined || operation === undefined || !BEDROCK_OPERATIONS.includes(operation))
    return undefined;
  return { operation, modelSegment: match[1], path, query };
}

function sendBedrockError(
  reply: FastifyReply,
  error: GatewayError,
  headers: Record<string, string> = {},
): void {
  const { name, status } = bedrockErrorFor(error);
  reply.hijack();
  writeJson(
    reply.raw,
    status,
    { message: error.message },
    {
      ...headers,
      'x-amzn-errortype': errorTypeHeader(name),
      'x-amzn-requestid': randomUUID(),
      'x-converge-error-code': error.code,
    },
  );
}

/**
 * The Bedrock Runtime dialect, mounted under `/model`: `POST /model/{modelId}/converse`,
 * `/converse-stream`, `/invoke` and `/invoke-with-response-stream`, answering in Bedrock's shapes
 * (JSON, AWS event streams, `x-amzn-ErrorType` errors). Bodies are kept as raw bytes, because a
 * SigV4 signature covers the exact bytes sent.
 *
 * @example
 * app.register(async (scope) => registerBedrockRoutes(scope, gateway), { prefix: '/model' });
 */
export function registerBedrockRoutes(scope: FastifyInstance, gateway: Gateway): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  scope.setErrorHandler((error: unknown, _request, reply) => {
    const gatewayError = toFrameworkError(error, scope.initialConfig.bodyLimit ?? 0);
    if (gatewayError.status >= 500) gateway.log.error({ err: error }, 'request failed outside the exchange');
    if (reply.sent) return;
    gateway.recordEarlyRejection('bedrock', gatewayError, bedrockErrorFor(gatewayError).status);
    sendBedrockError(reply, gatewayError);
  });

  scope.setNotFoundHandler((request, reply) => {
    const route = matchBedrockPath(request.raw.url ?? request.url);
    if (route !== undefined) {
      const message = `${request.method} is not allowed on ${route.path}; use POST.`;
      return sendBedrockError(reply, new GatewayError('method_not_allowed', message), { allow: 'POST' });
    }
    sendBedrockError(
      reply,
      new GatewayError('not_found', `Unknown operation: ${request.method} ${request.url.split('?')[0]}.`),
    );
  });

  scope.post('/*', (request, reply) => {
    const route = matchBedrockPath(request.raw.url ?? request.url);
    if (route === undefined) {
      const path = request.url.split('?')[0] ?? request.url;
      return sendBedrockError(reply, new GatewayError('not_found', `Unknown operation: POST ${path}.`));
    }
    return runBedrockExchange(gateway, request, reply, route);
  });
}
