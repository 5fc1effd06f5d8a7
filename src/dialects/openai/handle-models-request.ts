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

/**
 * The caller of a models endpoint, by its virtual key (any dialect's listing authenticates the same way).
 *
 * @example const principal = await authenticateModelsCaller(gateway, readBearerToken(request.headers));
 */
export async function authenticateModelsCaller(
  gateway: Gateway,
  credential: string | undefined,
): Promise<Principal> {
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

/** Every name and alias the principal may use, in configuration order. */
export function visibleModelNames(gateway: Gateway, principal: Principal): string[] {
  return visibleEntries(gateway, principal).flatMap((entry) => [entry.name, ...entry.aliases]);
}

/** True when `model` (a name or an alias) is one the principal may use. */
export function mayRetrieveModel(gateway: Gateway, principal: Principal, model: string): boolean {
  const entry = gateway.registry.resolve(model);
  return entry !== undefined && principalMayUse(principal, entry);
}

/** The 404 for a model the caller cannot see, with the closest names it can. */
export function modelNotFound(model: string, visible: readonly string[]): GatewayError {
  const suggestions = closestNames(model, [...visible]);
  const hint =
    suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `\`${name}\``).join(', ')}?` : '';
  return new GatewayError(
    'model_not_found',
    `The model \`${model}\` does not exist or you do not have access to it.${hint}`,
    { param: 'model', details: { suggestions } },
  );
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
    const principal = await authenticateModelsCaller(gateway, request.credential);
    const names = visibleModelNames(gateway, principal);
    if (request.model === undefined) {
      return reply
        .code(200)
        .headers(headers)
        .send({ object: 'list', data: names.map(modelObject) });
    }
    if (mayRetrieveModel(gateway, principal, request.model)) {
      return reply.code(200).headers(headers).send(modelObject(request.model));
    }
    throw modelNotFound(request.model, names);
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'listing models failed');
    return sendErrorReply(reply, gatewayError, request.flavor, requestId);
  }
}
