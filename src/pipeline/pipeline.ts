import { createAccountingStage } from './accounting/accounting-stage.js';
import { createAuthStage } from './auth/auth-stage.js';
import type { KeyResolver } from './auth/key-resolver.js';
import { createCallStage } from './call/call-stage.js';
import { compose } from './compose.js';
import type { GatewayContext } from './gateway-context.js';
import { createParseStage } from './parse/parse-stage.js';
import type { ModelRegistry } from './route/model-registry.js';
import { createRouteStage } from './route/route-stage.js';

export interface PipelineDependencies {
  keys: KeyResolver;
  registry: ModelRegistry;
  upstreamTimeoutMs: number;
}

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
    createAccountingStage(), //                     9. accounting (wraps everything below)
    createAuthStage(dependencies.keys), //         1. auth: virtual key → principal
    createParseStage(), //                          — dialect body → canonical request
    //                                              2. policy: allow-lists, residency, max tokens (issue #6)
    //                                              3. guardrails (input) (planned)
    //                                              4. cache: exact-match response cache (planned)
    createRouteStage(dependencies.registry), //     5. route: model → candidate targets
    //                                              6. limits: RPM/TPM/concurrency/budgets (issue #6)
    createCallStage({ upstreamTimeoutMs: dependencies.upstreamTimeoutMs }), // 7. call (+ failover)
    //                                              8. guardrails (output) (planned)
  ]);
}
