import { GatewayError } from '../../core/gateway-error.js';
import { maskKey } from '../../pipeline/auth/auth-stage.js';
import type { Principal } from '../../pipeline/gateway-context.js';
import { closestNames } from '../../pipeline/route/closest-names.js';
import { principalMayUse } from '../../pipeline/route/route-stage.js';
import type { Gateway } from '../../server/gateway.js';

/** Authenticates a key outside the pipeline (countTokens), with the pipeline's errors. */
export async function authenticatePrincipal(
  gateway: Gateway,
  credential: string | undefined,
): Promise<Principal> {
  if (credential === undefined || credential === '') {
    throw new GatewayError(
      'authentication_required',
      'No API key was provided. Send your Converge virtual key as `x-goog-api-key`, `?key=` or `Authorization: Bearer`.',
    );
  }
  const principal = await gateway.keys.resolve(credential);
  if (principal === undefined) {
    throw new GatewayError('invalid_api_key', `Incorrect API key provided: ${maskKey(credential)}.`);
  }
  return principal;
}

/** Throws the route stage's 404 (with close names) unless the principal may use the model. */
export function checkModelVisible(gateway: Gateway, principal: Principal, model: string): void {
  const entry = gateway.registry.resolve(model);
  if (entry !== undefined && principalMayUse(principal, entry)) return;
  const visible = gateway.registry.entries.filter((candidate) => principalMayUse(principal, candidate));
  const suggestions = closestNames(
    model,
    visible.flatMap((candidate) => [candidate.name, ...candidate.aliases]),
  );
  const hint =
    suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `\`${name}\``).join(', ')}?` : '';
  throw new GatewayError(
    'model_not_found',
    `The model \`${model}\` does not exist or you do not have access to it.${hint}`,
    { param: 'model', details: { suggestions } },
  );
}
