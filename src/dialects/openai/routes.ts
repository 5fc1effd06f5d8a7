import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../server/gateway.js';
import {
  handleAnthropicModelsRequest,
  isAnthropicModelsRequest,
} from '../anthropic/handle-anthropic-models.js';
import { handleModelsRequest } from './handle-models-request.js';
import { openAIFlavor } from './openai-flavor.js';
import { readBearerToken } from './read-bearer-token.js';
import { type RouteShape, registerScopeFallbacks } from './register-scope-fallbacks.js';
import { runChatCompletion, runEmbeddings } from './run-openai-exchange.js';

const OPENAI_ROUTES: readonly RouteShape[] = [
  { pattern: /^\/v1\/chat\/completions\/?$/, methods: ['POST'] },
  { pattern: /^\/v1\/embeddings\/?$/, methods: ['POST'] },
  { pattern: /^\/v1\/models(\/.*)?$/, methods: ['GET', 'HEAD'] },
];

function specFor(headers: IncomingHttpHeaders) {
  return { flavor: openAIFlavor, credential: readBearerToken(headers) };
}

/**
 * The OpenAI dialect, mounted under `/v1`: chat completions (JSON and SSE), embeddings, and the
 * models the key may use (in Anthropic's shape for Anthropic's SDK, which shares `/v1/models`).
 * Credentials: `Authorization: Bearer <virtual key>`.
 */
export function registerOpenAIRoutes(scope: FastifyInstance, gateway: Gateway): void {
  registerScopeFallbacks(scope, gateway, openAIFlavor, OPENAI_ROUTES);
  scope.post('/chat/completions', (request, reply) =>
    runChatCompletion(gateway, request, reply, specFor(request.headers)),
  );
  scope.post('/embeddings', (request, reply) =>
    runEmbeddings(gateway, request, reply, specFor(request.headers)),
  );
  // `GET /v1/models` is also Anthropic's path: its SDK (the only one sending anthropic-version) gets its shape.
  scope.get('/models', (request, reply) =>
    isAnthropicModelsRequest(request.headers)
      ? handleAnthropicModelsRequest(gateway, request, reply)
      : handleModelsRequest(gateway, reply, specFor(request.headers)),
  );
  scope.get<{ Params: { '*': string } }>('/models/*', (request, reply) =>
    isAnthropicModelsRequest(request.headers)
      ? handleAnthropicModelsRequest(gateway, request, reply, request.params['*'])
      : handleModelsRequest(gateway, reply, { ...specFor(request.headers), model: request.params['*'] }),
  );
}
