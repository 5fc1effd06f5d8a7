import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { handleModelsRequest } from '../openai/handle-models-request.js';
import { readBearerToken } from '../openai/read-bearer-token.js';
import { type RouteShape, registerScopeFallbacks } from '../openai/register-scope-fallbacks.js';
import { runChatCompletion, runEmbeddings } from '../openai/run-openai-exchange.js';
import { sendErrorReply } from '../openai/send-error-reply.js';
import { azureOpenAIFlavor } from './azure-openai-flavor.js';

const AZURE_ROUTES: readonly RouteShape[] = [
  { pattern: /^\/openai\/deployments\/[^/]+\/(chat\/completions|embeddings)\/?$/, methods: ['POST'] },
  { pattern: /^\/openai\/v1\/(chat\/completions|embeddings)\/?$/, methods: ['POST'] },
  { pattern: /^\/openai\/v1\/models(\/.*)?$/, methods: ['GET', 'HEAD'] },
];

/** `api-key: <key>` (what AzureOpenAI sends), else `Authorization: Bearer <key>` (the v1 API's OpenAI client). */
export function readAzureCredential(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  if (value !== undefined && value.trim() !== '') return value.trim();
  return readBearerToken(headers);
}

type DeploymentRoute = { Params: { deployment: string }; Querystring: { 'api-version'?: string } };
type Runner = typeof runChatCompletion;

/**
 * The dated API needs `?api-version=`; like Azure, a request without one finds no resource. It is
 * refused before the pipeline runs, so it is recorded as an early rejection.
 */
function runDeployment(gateway: Gateway, run: Runner) {
  return (request: FastifyRequest<DeploymentRoute>, reply: FastifyReply) => {
    const apiVersion = request.query['api-version'];
    if (apiVersion === undefined || apiVersion.trim() === '') {
      const error = new GatewayError(
        'not_found',
        'Resource not found: the `api-version` query parameter is required on deployment paths, e.g. `?api-version=2024-10-21`.',
        { param: 'api-version' },
      );
      gateway.recordEarlyRejection('azure-openai', error, error.status);
      return sendErrorReply(reply, error, azureOpenAIFlavor, randomUUID());
    }
    const credential = readAzureCredential(request.headers);
    return run(gateway, request, reply, {
      flavor: azureOpenAIFlavor,
      credential,
      model: request.params.deployment,
    });
  };
}

/**
 * The Azure OpenAI dialect, mounted under `/openai`: the dated deployment API (the deployment in
 * the path is the Converge model asked for; it overrides the body's `model`) and the v1 API (the
 * body's `model` is the name). Credentials: `api-key` or `Authorization: Bearer`.
 */
export function registerAzureOpenAIRoutes(scope: FastifyInstance, gateway: Gateway): void {
  registerScopeFallbacks(scope, gateway, azureOpenAIFlavor, AZURE_ROUTES);
  scope.post<DeploymentRoute>(
    '/deployments/:deployment/chat/completions',
    runDeployment(gateway, runChatCompletion),
  );
  scope.post<DeploymentRoute>('/deployments/:deployment/embeddings', runDeployment(gateway, runEmbeddings));

  const specFor = (headers: IncomingHttpHeaders) => ({
    flavor: azureOpenAIFlavor,
    credential: readAzureCredential(headers),
  });
  scope.post('/v1/chat/completions', (request, reply) =>
    runChatCompletion(gateway, request, reply, specFor(request.headers)),
  );
  scope.post('/v1/embeddings', (request, reply) =>
    runEmbeddings(gateway, request, reply, specFor(request.headers)),
  );
  scope.get('/v1/models', (request, reply) => handleModelsRequest(gateway, reply, specFor(request.headers)));
  scope.get<{ Params: { '*': string } }>('/v1/models/*', (request, reply) =>
    handleModelsRequest(gateway, reply, { ...specFor(request.headers), model: request.params['*'] }),
  );
}
