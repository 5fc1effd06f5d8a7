import type { OutgoingHttpHeaders } from 'node:http';
import type { SandboxModel } from '../default-models.js';
import type { CapacityDecision, CapacityLimits } from '../engine/capacity-limiter.js';
import type { MarkerHit } from '../engine/content-markers.js';
import type { SandboxErrorSpec, SandboxOperation } from '../engine/sandbox-error.js';
import type { SandboxContext } from '../sandbox-server.js';
import type { ChatDecoration } from './chat-completion-body.js';

/** The model or deployment a request runs on, and the keys its state lives under. */
export interface InferenceTarget {
  /** Model id (OpenAI) or deployment name (Azure): the stats key. */
  name: string;
  model: SandboxModel;
  capacity: CapacityLimits;
  /** Capacity window key: a model per OpenAI organisation, a deployment on Azure. */
  limiterKey: string;
  /** Prompt-cache scope: model + API key on OpenAI, the deployment on Azure. */
  cacheScope: string;
}

/** A rendered error: what goes on the wire. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

/**
 * How one provider that speaks the OpenAI wire format differs: auth, addressing, error bodies,
 * headers and response decoration. The chat and embeddings handlers are written once against this.
 */
export interface InferenceSurface {
  /** Stats key: 'openai' | 'azure'. */
  readonly provider: string;
  /** Whether content-filter markers act (Azure) or are plain text (OpenAI). */
  readonly contentFilter: boolean;
  /** Throws SandboxError when the credentials are missing or wrong. Returns the accepted key. */
  authenticate(context: SandboxContext): string;
  /** Throws SandboxError for an unknown model or deployment (or a wrong API version). */
  resolveTarget(context: SandboxContext, bodyModel: unknown, key: string): InferenceTarget;
  renderError(
    context: SandboxContext,
    spec: SandboxErrorSpec,
    operation: SandboxOperation,
    target: InferenceTarget | undefined,
  ): ErrorResponse;
  /** Headers on every response of this surface, successful or not. */
  baseHeaders(context: SandboxContext, target: InferenceTarget | undefined): OutgoingHttpHeaders;
  /** Rate-limit headers on a successful response. */
  rateLimitHeaders(target: InferenceTarget, decision: CapacityDecision): OutgoingHttpHeaders;
  decoration(markers: MarkerHit): ChatDecoration;
}
