import type { PriceResolver } from '../catalog/create-price-resolver.js';
import { createAccountingStage } from './accounting/accounting-stage.js';
import { createAuthStage } from './auth/auth-stage.js';
import type { KeyResolver } from './auth/key-resolver.js';
import { createCallStage } from './call/call-stage.js';
import { compose, type Stage } from './compose.js';
import type { GatewayContext, Principal } from './gateway-context.js';
import { createLimitsStage, type LimitsStageOptions } from './limits/limits-stage.js';
import { createParseStage } from './parse/parse-stage.js';
import type { ModelRegistry } from './route/model-registry.js';
import { createRouteStage } from './route/route-stage.js';

export interface PipelineDependencies {
  keys: KeyResolver;
  registry: ModelRegistry;
  upstreamTimeoutMs: number;
  /** Per-key rate limits and budgets; without them the limits stage passes every request through. */
  limits?: LimitsStageOptions | undefined;
  /** Prices per target from the catalog and deployment overrides; without it costs are null. */
  pricing?: PriceResolver | undefined;
  /** False: no key auth (every caller is the anonymous principal) — for benchmarks only. Default true. */
  governance?: boolean | undefined;
}

/** Who every caller is when governance is off: no team, all models, no limits. */
const ANONYMOUS: Principal = {
  keyId: 'anonymous',
  keyName: 'anonymous',
  teamId: null,
  role: 'member',
  models: null,
};

const anonymousAuth: Stage = (context, next) => {
  context.principal = ANONYMOUS;
  return next();
};

/**
 * THE order of the request pipeline — the only place it is written down (drawn in docs/pipeline.md).
 * Accounting is the outermost layer so that every request, including rejected ones, leaves a
 * usage row; its own work runs after everything inside has finished.
 *
 * Stages not built yet keep their place here as comments, so the order never has to be rediscovered.
 */
export function createPipeline(
  dependencies: PipelineDependencies,
): (context: GatewayContext) => Promise<void> {
  return compose([
    createAccountingStage({ pricing: dependencies.pricing }), // 9. accounting (wraps everything below)
    dependencies.governance === false ? anonymousAuth : createAuthStage(dependencies.keys), // 1. auth
    createParseStage(), //                          — dialect body → canonical request
    //                                              2. policy: allow-lists, residency, max tokens (issue #6)
    //                                              3. guardrails (input) (planned)
    //                                              4. cache: exact-match response cache (planned)
    createRouteStage(dependencies.registry), //     5. route: model → filtered, ordered candidates
    createLimitsStage(dependencies.limits), //      6. limits: RPM/TPM/concurrency/USD budgets per key
    createCallStage({
      routing: dependencies.registry.routing,
      upstreamTimeoutMs: dependencies.upstreamTimeoutMs,
    }), //                                          7. call: breakers, capacity spillover, retries, failover
    //                                              8. guardrails (output) (planned)
  ]);
}
