import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../server/gateway.js';
import { handleGeminiRequest } from './handle-gemini-request.js';
import { handleModelsRequest } from './handle-models-request.js';
import {
  refuseWrongMethod,
  setGoogleErrorHandler,
  setGoogleNotFoundHandler,
} from './register-google-fallbacks.js';

type WildcardRoute = { Params: { '*': string }; Querystring: Record<string, unknown> };

/** Resources a Gemini or Vertex URL can start with under `/v1` (the rest of `/v1` is OpenAI's). */
const V1_RESOURCES = ['models', 'tunedModels', 'projects', 'publishers'];

/**
 * The Gemini API and Vertex AI dialect, registered at the root with full paths:
 * - Gemini API: `POST /v1beta/models/{model}:{method}` (and `/v1/models/…`, `tunedModels/…`);
 * - Vertex AI: `POST /{v1,v1beta1}/projects/{p}/locations/{l}/publishers/{pub}/models/{model}:{method}`,
 *   and the express / custom-base form `/{v1,v1beta1}/publishers/{pub}/models/{model}:{method}`;
 * with methods generateContent, streamGenerateContent (`?alt=sse` → SSE, else a JSON array),
 * countTokens (estimated locally), embedContent, batchEmbedContents and Vertex predict (embeddings);
 * and `GET /v1beta/models[/{model}]` (the models the key may use).
 * Credentials: `x-goog-api-key`, `?key=`, or `Authorization: Bearer`. Errors are google.rpc.Status
 * bodies; `/v1beta` and `/v1beta1` answer unknown paths themselves, `/v1` stays the OpenAI dialect's.
 *
 * @example
 * registerGeminiRoutes(app, gateway); // in createServer, next to the other dialects
 */
export function registerGeminiRoutes(app: FastifyInstance, gateway: Gateway): void {
  for (const version of ['v1beta', 'v1beta1']) {
    app.register(
      async (scope) => {
        setGoogleErrorHandler(scope, gateway);
        setGoogleNotFoundHandler(scope);
        scope.post<WildcardRoute>('/*', (request, reply) =>
          handleGeminiRequest(gateway, request, reply, version, request.params['*']),
        );
        if (version === 'v1beta') {
          scope.get('/models', (request, reply) => handleModelsRequest(gateway, request, reply, undefined));
          scope.get<WildcardRoute>(
            '/models/*',
            (request, reply) =>
              refuseWrongMethod(request, reply) ??
              handleModelsRequest(gateway, request, reply, request.params['*']),
          );
        }
      },
      { prefix: `/${version}` },
    );
  }
  app.register(async (scope) => {
    setGoogleErrorHandler(scope, gateway);
    for (const resource of V1_RESOURCES) {
      scope.post<WildcardRoute>(`/v1/${resource}/*`, (request, reply) =>
        handleGeminiRequest(gateway, request, reply, 'v1', `${resource}/${request.params['*']}`),
      );
    }
  });
}
