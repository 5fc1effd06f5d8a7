import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import { maskKey } from '../../pipeline/auth/auth-stage.js';
import type { Principal } from '../../pipeline/gateway-context.js';
import { closestNames } from '../../pipeline/route/closest-names.js';
import type { ModelEntry } from '../../pipeline/route/model-registry.js';
import { principalMayUse } from '../../pipeline/route/route-stage.js';
import type { Gateway } from '../../server/gateway.js';
import { sendErrorReply } from './send-error-reply.js';
import type { WireFlavor } from './wire-flavor.js';

/** Models exist as long as the process: their `created` is when it started. */
const CREATED = Math.floor(Date.now() / 1000);

function modelObject(id: string) {
  return { id, object: 'model' as const, created: CREATED, owned_by: 'converge' };
}

async function authenticate(gateway: Gateway, credential: string | undefined): Promise<Principal> {
  if (credential === undefined || credential === '') {
    throw new GatewayError(
      'authentication_required',
      'No API key was provided. Send your Converge virtual key as `Authorization: Bearer <key>` (or the header your SDK uses).',
    );
  }
  const principal = await gateway.keys.resolve(credential);
  if (principal === undefined) {
    throw new GatewayError('invalid_api_key', `Incorrect API key provided: ${maskKey(credential)}.`);
  }
  return principal;
}

function visibleEntries(gateway: Gateway, principal: Principal): ModelEntry[] {
  return gateway.registry.entries.filter((entry) => principalMayUse(principal, entry));
}

export interface ModelsRequest {
  flavor: WireFlavor;
  credential: string | undefined;
  /** Undefined to list; a name (or alias) to retrieve one. */
  model?: string;
}

/**
 * `GET /models` and `GET /models/{model}`: the names and aliases the key may use. These are not
 * inference requests, so they are authenticated but not metered (no usage row).
 */
export async function handleModelsRequest(gateway: Gateway, reply: FastifyReply, request: ModelsRequest) {
  const requestId = randomUUID();
  const headers = request.flavor.requestIdHeaders(requestId);
  try {
    const principal = await authenticate(gateway, request.credential);
    const entries = visibleEntries(gateway, principal);
    if (request.model === undefined) {
      const data = entries.flatMap((entry) => [entry.name, ...entry.aliases]).map(modelObject);
      return reply.code(200).headers(headers).send({ object: 'list', data });
    }
    const entry = gateway.registry.resolve(request.model);
    if (entry !== undefined && principalMayUse(principal, entry)) {
      return reply.code(200).headers(headers).send(modelObject(request.model));
    }
    const suggestions = closestNames(
      request.model,
      entries.flatMap((candidate) => [candidate.name, ...candidate.aliases]),
    );
    const hint =
      suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `\`${name}\``).join(', ')}?` : '';
    throw new GatewayError(
      'model_not_found',
      `The model \`${request.model}\` does not exist or you do not have access to it.${hint}`,
      { param: 'model', details: { suggestions } },
    );
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'listing models failed');
    return sendErrorReply(reply, gatewayError, request.flavor, requestId);
  }
}
