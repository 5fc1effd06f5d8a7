import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CapacityDecision } from '../engine/capacity-limiter.js';
import { FAULT_HEADER, type Fault } from '../engine/faults.js';
import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { RETRY_AFTER_HEADER, sendJson } from '../openai/inference-route.js';
import { bearerToken } from '../openai/openai-surface.js';
import type { SandboxContext } from '../sandbox-server.js';
import type { GeminiSandboxModel, ResolvedGeminiSandboxOptions } from './gemini-sandbox-options.js';
import { renderGoogleError } from './google-error-response.js';

export type GoogleFlavor = 'gemini' | 'vertex';

/** One request to the Gemini API or Vertex AI, as handlers see it once routed and authenticated. */
export interface GoogleCall {
  context: SandboxContext;
  engine: SandboxEngine;
  options: ResolvedGeminiSandboxOptions;
  flavor: GoogleFlavor;
  apiVersion: string;
  /** Vertex `projects/{p}/locations/{l}`; empty on the Gemini API and Vertex express paths. */
  resourcePrefix: string;
  /** The accepted API key or token: the implicit-cache scope on the Gemini API. */
  credential: string;
  method: string;
  model: GeminiSandboxModel;
  /** `streamGenerateContent` without `alt=sse`: errors are wrapped in a JSON array too. */
  arrayForm: boolean;
}

export type GoogleHandler = (call: GoogleCall) => Promise<void>;

/** What the route knows before the model is looked up. */
export type GoogleRouteInfo = Omit<GoogleCall, 'context' | 'engine' | 'options' | 'credential' | 'model'> & {
  modelId: string;
};

/** Headers Google's front ends put on every answer. */
export function googleHeaders(context: SandboxContext): OutgoingHttpHeaders {
  return {
    vary: 'Origin, X-Origin, Referer',
    server: 'scaffolding on HTTPServer2',
    'x-content-type-options': 'nosniff',
    'server-timing': `gfet4t7; dur=${Math.round(performance.now() - context.startedAt)}`,
  };
}

function headerValue(context: SandboxContext, name: string): string | undefined {
  const value = context.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Gemini API: `x-goog-api-key` (what `@google/genai` sends) or `?key=` (REST samples); a bad key is
 * 400 API_KEY_INVALID. Vertex: `Authorization: Bearer` (401 otherwise), or an API key in express mode.
 */
export function authenticateGoogle(
  context: SandboxContext,
  options: ResolvedGeminiSandboxOptions,
  flavor: GoogleFlavor,
): string {
  const apiKey = headerValue(context, 'x-goog-api-key') ?? context.query.get('key') ?? undefined;
  if (flavor === 'gemini') {
    if (apiKey === undefined || apiKey === '') throw new SandboxError({ kind: 'missing_key' });
    if (!options.keys.has(apiKey)) throw new SandboxError({ kind: 'invalid_key', key: apiKey });
    return apiKey;
  }
  const token = bearerToken(context);
  // Vertex express mode authenticates with an API key instead of an OAuth token.
  if (token === undefined && apiKey !== undefined && options.keys.has(apiKey)) return apiKey;
  if (token === undefined) throw new SandboxError({ kind: 'missing_key' });
  if (!options.vertexTokens.has(token)) throw new SandboxError({ kind: 'invalid_key', key: token });
  return token;
}

/**
 * Wraps a handler: authenticates first (as Google's front ends do), looks the model up, then turns any
 * SandboxError into a `google.rpc.Status` answer (inside `[…]` for the array-streaming form).
 */
export async function googleRoute(
  engine: SandboxEngine,
  options: ResolvedGeminiSandboxOptions,
  context: SandboxContext,
  info: GoogleRouteInfo,
  handler: GoogleHandler,
): Promise<void> {
  try {
    const credential = authenticateGoogle(context, options, info.flavor);
    const model = options.models[info.modelId];
    if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: info.modelId });
    const { modelId: _modelId, ...rest } = info;
    await handler({ ...rest, context, engine, options, credential, model });
  } catch (error: unknown) {
    if (!(error instanceof SandboxError)) throw error;
    sendGoogleError(context, error, info, options.capacity[info.modelId]?.provisioned === true);
  }
}

/** Writes a refusal in Google's shape, unless the answer already started. */
export function sendGoogleError(
  context: SandboxContext,
  error: SandboxError,
  info: Pick<GoogleCall, 'flavor' | 'apiVersion' | 'method' | 'resourcePrefix' | 'arrayForm'>,
  /** The model runs on Vertex Provisioned Throughput: its 429 says so. */
  provisioned = false,
): void {
  if (context.response.headersSent) {
    context.response.destroy();
    return;
  }
  const rendered = renderGoogleError(error.spec, { ...info, provisioned });
  const body = info.arrayForm ? [rendered.body] : rendered.body;
  sendJson(context, rendered.status, googleHeaders(context), JSON.stringify(body));
}

/**
 * Picks this request's fault (header or configured rate) and acts on the ones that replace the whole
 * answer. Returns the fault the writer must act on (malformed, cut-stream-after), or 'handled'.
 */
export function applyGoogleFault(call: GoogleCall): Fault | 'handled' | undefined {
  const fault = call.engine.faults.choose(headerValue(call.context, FAULT_HEADER));
  if (!fault) return undefined;
  call.engine.stats.target(call.flavor, call.model.id).faults++;
  switch (fault.kind) {
    case '500':
      throw new SandboxError({ kind: 'server_error' });
    case '503':
      throw new SandboxError({ kind: 'overloaded' });
    case '429': {
      const override = Number(headerValue(call.context, RETRY_AFTER_HEADER));
      const retryAfterMs = Number.isFinite(override) && override >= 0 ? override : 1000;
      throw new SandboxError({
        kind: 'fault_rate_limited',
        retryAfterMs,
        model: call.model.id,
        operation: 'chat',
      });
    }
    case 'timeout':
      // Accept and never answer: the socket stays open until the client gives up or the sandbox closes.
      return 'handled';
    case 'reset':
      call.context.request.socket.destroy();
      return 'handled';
    default:
      return fault;
  }
}

/** Admits the call against the model's RPM/TPM on this surface; throws Google's 429 when over. */
export function admitGoogleCapacity(call: GoogleCall, tokenCost: number): CapacityDecision {
  const limits = call.options.capacity[call.model.id] ?? { provisioned: false };
  const key = `${call.flavor}|${call.model.id}`;
  const decision = call.engine.limiter.admit(key, limits, tokenCost, Date.now());
  if (!decision.allowed) {
    call.engine.stats.target(call.flavor, call.model.id).rejections++;
    throw new SandboxError({
      kind: 'rate_limited',
      decision,
      limits,
      tokenCost,
      model: call.model.id,
      operation: call.model.kind === 'chat' ? 'chat' : 'embeddings',
    });
  }
  return decision;
}
