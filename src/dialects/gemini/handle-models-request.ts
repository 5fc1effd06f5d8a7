import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError } from '../../core/gateway-error.js';
import type { ModelEntry } from '../../pipeline/route/model-registry.js';
import { principalMayUse } from '../../pipeline/route/route-stage.js';
import type { Gateway } from '../../server/gateway.js';
import { authenticatePrincipal, checkModelVisible } from './authenticate-principal.js';
import { readGoogleCredential } from './read-google-credential.js';
import { sendGoogleError } from './write-error.js';

const CHAT_METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];
const EMBEDDING_METHODS = ['embedContent', 'batchEmbedContents', 'countTokens'];

function modelObject(name: string, entry: ModelEntry) {
  return {
    name: `models/${name}`,
    displayName: name,
    supportedGenerationMethods: entry.kind === 'embedding' ? EMBEDDING_METHODS : CHAT_METHODS,
  };
}

/**
 * Gemini API `GET /v1beta/models` and `GET /v1beta/models/{model}`: the names and aliases the key
 * may use, as Gemini model resources (one page, no `nextPageToken`). Authenticated, not metered.
 */
export async function handleModelsRequest(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  model: string | undefined,
) {
  const requestId = randomUUID();
  try {
    const principal = await authenticatePrincipal(gateway, readGoogleCredential(request));
    const headers = { 'x-converge-request-id': requestId };
    if (model === undefined) {
      const models = gateway.registry.entries
        .filter((entry) => principalMayUse(principal, entry))
        .flatMap((entry) => [entry.name, ...entry.aliases].map((name) => modelObject(name, entry)));
      return reply.code(200).headers(headers).send({ models });
    }
    const name = model.replace(/^models\//, '');
    checkModelVisible(gateway, principal, name);
    const entry = gateway.registry.resolve(name);
    return reply
      .code(200)
      .headers(headers)
      .send(entry === undefined ? {} : modelObject(name, entry));
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'listing models failed');
    return sendGoogleError(reply, gatewayError, 'gemini', requestId);
  }
}
