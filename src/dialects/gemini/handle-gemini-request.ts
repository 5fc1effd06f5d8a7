import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import { handleCountTokens } from './handle-count-tokens.js';
import { flavorForUrl, GEMINI_ACTIONS, type GeminiPath, parseGeminiPath } from './parse-gemini-path.js';
import { readGoogleCredential } from './read-google-credential.js';
import { runEmbedContent, runGenerateContent } from './run-gemini-exchange.js';
import { sendGoogleError } from './write-error.js';

export type WildcardRequest = FastifyRequest<{
  Params: { '*': string };
  Querystring: Record<string, unknown>;
}>;

/** The model name to route: the most specific name the registry knows, else the plain one. */
function chooseModel(gateway: Gateway, path: GeminiPath): string {
  const known = path.modelNames.find((name) => gateway.registry.resolve(name) !== undefined);
  return known ?? path.modelNames[path.modelNames.length - 1] ?? '';
}

function unknownMethod(path: GeminiPath): GatewayError {
  return new GatewayError(
    'not_found',
    `The method \`${path.action}\` is not served by the gateway; it serves ${GEMINI_ACTIONS.join(', ')}.`,
  );
}

/**
 * Dispatches a `POST …/{resource}:{method}` request: `rest` is the path after the API version.
 * Unknown resources and methods get a Google-shaped 404.
 */
export function handleGeminiRequest(
  gateway: Gateway,
  request: WildcardRequest,
  reply: FastifyReply,
  version: string,
  rest: string,
) {
  const path = parseGeminiPath(version, rest);
  if (path === undefined) {
    const url = request.url.split('?')[0] ?? request.url;
    const error = new GatewayError(
      'not_found',
      `Unknown request URL: POST ${url}. Expected …/models/{model}:{method}.`,
    );
    return sendGoogleError(reply, error, flavorForUrl(request.url), randomUUID());
  }
  const spec = {
    flavor: path.flavor,
    credential: readGoogleCredential(request),
    model: chooseModel(gateway, path),
  };
  switch (path.action) {
    case 'generateContent':
      return runGenerateContent(gateway, request, reply, { ...spec, stream: false });
    case 'streamGenerateContent': {
      const streamFormat = request.query['alt'] === 'sse' ? 'sse' : 'json-array';
      return runGenerateContent(gateway, request, reply, { ...spec, stream: true, streamFormat });
    }
    case 'countTokens':
      return handleCountTokens(gateway, request, reply, spec);
    case 'embedContent':
    case 'batchEmbedContents':
    case 'predict':
      return runEmbedContent(gateway, request, reply, { ...spec, shape: path.action });
    default:
      return sendGoogleError(reply, unknownMethod(path), path.flavor, randomUUID());
  }
}
