import type { CapacityDecision } from './capacity-limiter.js';
import type { FilterCategory } from './content-markers.js';

/** The operations the rate-limit and "wrong model" messages name. */
export type SandboxOperation = 'chat' | 'embeddings';

/**
 * A provider-neutral description of a refusal. Each emulated provider renders it into its own status,
 * body and headers, so the same situation looks native on every surface.
 */
export type SandboxErrorSpec =
  | { kind: 'missing_key' }
  | { kind: 'invalid_key'; key: string }
  | { kind: 'invalid_json' }
  | { kind: 'invalid_request'; message: string; param: string | null; code: string | null }
  | { kind: 'body_too_large'; limitBytes: number }
  | { kind: 'route_not_found'; method: string; path: string }
  | { kind: 'unknown_model'; model: string }
  | { kind: 'unknown_deployment'; deployment: string }
  | { kind: 'wrong_operation'; operation: SandboxOperation; model: string }
  | { kind: 'api_version_missing' }
  | { kind: 'api_version_unsupported'; version: string }
  | {
      kind: 'rate_limited';
      decision: CapacityDecision;
      limits: { rpm?: number | undefined; tpm?: number | undefined };
      tokenCost: number;
      model: string;
      operation: SandboxOperation;
    }
  | { kind: 'fault_rate_limited'; retryAfterMs: number; model: string; operation: SandboxOperation }
  | { kind: 'server_error' }
  | { kind: 'overloaded' }
  | { kind: 'content_filter'; category: FilterCategory };

/** Thrown anywhere in a handler; the route's surface turns it into the provider's response. */
export class SandboxError extends Error {
  constructor(readonly spec: SandboxErrorSpec) {
    super(spec.kind);
    this.name = 'SandboxError';
  }
}

/** Shorthand for the most common refusal, a 400 naming the offending parameter. */
export function invalidRequest(
  message: string,
  param: string | null,
  code: string | null = null,
): SandboxError {
  return new SandboxError({ kind: 'invalid_request', message, param, code });
}

/** One renderer per error kind: a provider's whole error dialect as a table the compiler checks is complete. */
export type ErrorRenderers<Result, Extra> = {
  [Kind in SandboxErrorSpec['kind']]: (
    spec: Extract<SandboxErrorSpec, { kind: Kind }>,
    extra: Extra,
  ) => Result;
};

export function renderWith<Result, Extra>(
  renderers: ErrorRenderers<Result, Extra>,
  spec: SandboxErrorSpec,
  extra: Extra,
): Result {
  // Indexing by spec.kind loses the link between key and spec type; the table's type guarantees it.
  const render = renderers[spec.kind] as (spec: SandboxErrorSpec, extra: Extra) => Result;
  return render(spec, extra);
}
