import { GatewayError } from '../../core/gateway-error.js';
import type { Stage } from '../compose.js';
import type { GatewayContext, Principal } from '../gateway-context.js';
import { closestNames } from './closest-names.js';
import type { ModelEntry, ModelRegistry } from './model-registry.js';
import { planRoute } from './plan-route.js';

/** True when the principal may use the model under any of its names (also used by `GET /models`). */
export function principalMayUse(principal: Principal | undefined, entry: ModelEntry): boolean {
  const allowed = principal?.models;
  if (allowed === null || allowed === undefined) return true;
  return allowed.includes(entry.name) || entry.aliases.some((alias) => allowed.includes(alias));
}

/** True when the context's principal may use the model under any of its names. */
export function mayUse(context: GatewayContext, entry: ModelEntry): boolean {
  return principalMayUse(context.principal, entry);
}

/**
 * Resolves the requested model to its ordered candidate targets: the key's access, then the
 * filters (route hint, residency, capability, context window, cost cap, breakers) and the model's
 * strategy (`planRoute`). Capacity spillover happens per attempt in the call stage.
 */
export function createRouteStage(registry: ModelRegistry): Stage {
  return async function route(context, next) {
    const parsed = context.parsed;
    if (parsed === undefined) throw new Error('route stage ran before parse');
    const name = parsed.request.model;
    const entry = registry.resolve(name);
    if (entry === undefined || !mayUse(context, entry)) {
      const visible = registry.entries.filter((candidate) => mayUse(context, candidate));
      const suggestions = closestNames(
        name,
        visible.flatMap((candidate) => [candidate.name, ...candidate.aliases]),
      );
      const hint =
        suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
      throw new GatewayError(
        'model_not_found',
        `The model \`${name}\` does not exist or you do not have access to it.${hint}`,
        { param: 'model', details: { suggestions } },
      );
    }
    const wantsEmbedding = parsed.operation === 'embed';
    if (wantsEmbedding !== (entry.kind === 'embedding')) {
      throw new GatewayError(
        'invalid_request',
        wantsEmbedding
          ? `The model \`${name}\` is a chat model and cannot create embeddings.`
          : `The model \`${name}\` is an embedding model and cannot be used for chat.`,
        { param: 'model' },
      );
    }
    context.model = entry;
    const plan = await planRoute(context, parsed, entry, registry.routing);
    context.candidates = plan.candidates;
    context.route = plan.decision;
    await next();
  };
}
