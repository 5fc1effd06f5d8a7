import type { Logger } from 'pino';
import type { RequestCost } from '../catalog/compute-cost.js';
import type { TargetPricing } from '../catalog/create-price-resolver.js';
import type { ChatRequest } from '../core/chat-request.js';
import type { ChatResult } from '../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../core/embed-request.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { StreamPart } from '../core/stream-part.js';
import type { Usage } from '../core/usage.js';
import type { Warning } from '../core/warning.js';
import type { LimitScope } from '../limits/limit-store.js';
import type { RouteHints } from '../routing/route-hints.js';
import type { Role, UsageAttempt, UsageStatus } from '../storage/types.js';
import type { ModelEntry, Target } from './route/model-registry.js';
import type { RouteDecision } from './route/route-decision.js';

export type DialectId = 'openai' | 'azure-openai' | 'bedrock' | 'gemini' | 'anthropic';

export type ParsedRequest =
  | { operation: 'chat'; request: ChatRequest }
  | { operation: 'embed'; request: EmbedRequest };

export type GatewayOutput =
  | { type: 'chat'; result: ChatResult }
  | { type: 'stream'; stream: AsyncIterable<StreamPart> }
  | { type: 'embed'; result: EmbedResult };

/** Who is calling: the virtual key after authentication. */
export interface Principal {
  keyId: string;
  keyName: string;
  /** The key's team (its limits, budget, models and residency apply too); null = none. */
  teamId: string | null;
  /** The team's name, for messages. */
  teamName?: string;
  /** Admin API rights; `member` has none. */
  role: Role;
  /** Public model names the key may use; null = all. */
  models: readonly string[] | null;
  /** Residency: only deployments processing in these geographies or regions; absent = any. */
  processing?: readonly string[];
  /** The team's residency, applied on top of the key's own; absent = none. */
  teamProcessing?: readonly string[];
  /** May steer routing per request (`x-converge-route`, `x-converge-max-cost-usd`). */
  allowRouteOverride?: boolean;
  /** What the limits stage checks: the key's scope (its limits over the defaults), then its team's. */
  limitScopes?: readonly LimitScope[];
}

/**
 * Everything one request carries through the pipeline. The server creates it, the dialect supplies
 * `parseBody`, the stages fill in the rest, and the accounting stage turns it into one usage row.
 */
export interface GatewayContext {
  readonly requestId: string;
  /** Epoch milliseconds when the request arrived. */
  readonly receivedAt: number;
  /** `performance.now()` when the request arrived, for durations. */
  readonly startTime: number;
  readonly dialect: DialectId;
  /** The secret the caller presented (Bearer, api-key …), undefined when none. */
  readonly credential: string | undefined;
  /**
   * Set by dialects whose callers prove who they are another way (a SigV4 signature): the auth
   * stage calls it instead of looking `credential` up. Resolves the principal or throws GatewayError.
   */
  readonly authenticate?: () => Promise<Principal>;
  /** Aborted when the client disconnects or the server shuts down. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Parses the dialect's body into a canonical request; throws GatewayError on bad input. */
  readonly parseBody: () => ParsedRequest;
  /** The model the caller named, known before parsing when it is in the path (Azure, Bedrock, Gemini). */
  modelHint: string | undefined;
  /** Routing overrides the caller sent as headers (honoured only for keys allowed to). */
  readonly routeHints?: RouteHints | undefined;

  principal?: Principal;
  parsed?: ParsedRequest;
  model?: ModelEntry;
  candidates?: Target[];
  /** What the route stage measured and decided, for the call stage (capacity, cost, errors). */
  route?: RouteDecision;
  /** `<from>-><to>` when a lack of capacity (own accounting or a 429) moved the request. */
  spillover?: string;
  /** The target that produced the output. */
  target?: Target;
  attempts: UsageAttempt[];
  warnings: Warning[];
  /** Extra headers for the response, success or error (e.g. `x-ratelimit-*` from the limits stage). */
  responseHeaders?: Record<string, string>;
  output?: GatewayOutput;

  // Filled by accounting as the output is produced or streamed.
  usage: Usage;
  modelServed?: string;
  /** Milliseconds from arrival to the first generated token (streams only). */
  ttftMs?: number;
  /** Milliseconds spent waiting on upstreams, so gateway overhead = total − this. */
  upstreamMs: number;
  /** The upstream finished without reporting usage; accounting estimates it. */
  usageMissing?: boolean;
  /** True when the usage was estimated by the gateway (stream cut before the provider reported it). */
  usageEstimated: boolean;
  error?: GatewayError;
  /** Set when the stream ended normally (finish part seen). */
  completed: boolean;
  outcome?: UsageStatus;
  /** The served target's price (catalog entry, overrides), resolved once per deployment by accounting. */
  pricing?: TargetPricing;
  /** The request's cost once usage is known; null when nothing prices the target. */
  cost?: RequestCost | null;
}

export function isStreamRequest(context: GatewayContext): boolean {
  return context.parsed?.operation === 'chat' && context.parsed.request.stream;
}
