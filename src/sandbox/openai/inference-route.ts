import type { OutgoingHttpHeaders } from 'node:http';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { CapacityDecision } from '../engine/capacity-limiter.js';
import { FAULT_HEADER, type Fault } from '../engine/faults.js';
import { MAX_BODY_BYTES, type SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError, type SandboxOperation } from '../engine/sandbox-error.js';
import { BodyTooLargeError, type RouteHandler, readBody, type SandboxContext } from '../sandbox-server.js';
import type { InferenceSurface, InferenceTarget } from './inference-surface.js';

export const RETRY_AFTER_HEADER = 'x-sandbox-retry-after-ms';

/** What a chat or embeddings handler receives once the request is authenticated. */
export interface InferenceCall {
  context: SandboxContext;
  surface: InferenceSurface;
  engine: SandboxEngine;
  key: string;
  operation: SandboxOperation;
  /** Set by the handler once known, so errors carry the deployment headers. */
  target?: InferenceTarget;
}

export function sendJson(
  context: SandboxContext,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
): void {
  if (context.response.destroyed) return;
  context.response.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(body);
}

/**
 * Sends a JSON body, or spoils it as a pending fault asks: `malformed` sends half of it as a complete
 * response, `cut-stream-after` promises the full length and destroys the socket halfway through.
 */
export function sendJsonWithFault(
  context: SandboxContext,
  headers: OutgoingHttpHeaders,
  json: string,
  fault: Fault | undefined,
): void {
  if (fault?.kind === 'malformed') {
    sendJson(context, 200, headers, json.slice(0, Math.floor(json.length / 2)));
    return;
  }
  if (fault?.kind === 'cut-stream-after' && !context.response.destroyed) {
    context.response.writeHead(200, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    context.response.write(json.slice(0, Math.floor(json.length / 2)), () => context.response.destroy());
    return;
  }
  sendJson(context, 200, headers, json);
}

/**
 * Wraps an OpenAI-family handler: authenticates first (as the real services do), then turns any
 * SandboxError the handler throws into the surface's native error response.
 */
export function inferenceRoute(
  surface: InferenceSurface,
  engine: SandboxEngine,
  operation: SandboxOperation,
  handler: (call: InferenceCall) => Promise<void>,
): RouteHandler {
  return async (context) => {
    const call: InferenceCall = { context, surface, engine, key: '', operation };
    try {
      call.key = surface.authenticate(context);
      await handler(call);
    } catch (error: unknown) {
      if (!(error instanceof SandboxError)) throw error;
      const rendered = surface.renderError(context, error.spec, operation, call.target);
      const headers = { ...surface.baseHeaders(context, call.target), ...rendered.headers };
      sendJson(context, rendered.status, headers, JSON.stringify(rendered.body));
    }
  };
}

/** Reads and parses the JSON body; a refusal is thrown in the caller's dialect. */
export async function readJsonBody(context: SandboxContext): Promise<unknown> {
  let buffer: Buffer;
  try {
    buffer = await readBody(context.request, MAX_BODY_BYTES);
  } catch (error: unknown) {
    if (error instanceof BodyTooLargeError)
      throw new SandboxError({ kind: 'body_too_large', limitBytes: MAX_BODY_BYTES });
    throw error;
  }
  const parsed = safeParseJson(buffer.toString('utf8'));
  if (!parsed.success) throw new SandboxError({ kind: 'invalid_json' });
  return parsed.value;
}

function headerValue(context: SandboxContext, name: string): string | undefined {
  const value = context.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Picks this request's fault (header or configured rate) and acts on the ones that replace the whole
 * response. Returns the fault when the writer must act on it (malformed, cut-stream-after), or 'handled'.
 */
export function applyFault(call: InferenceCall, target: InferenceTarget): Fault | 'handled' | undefined {
  const fault = call.engine.faults.choose(headerValue(call.context, FAULT_HEADER));
  if (!fault) return undefined;
  call.engine.stats.target(call.surface.provider, target.name).faults++;
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
        model: target.model.id,
        operation: call.operation,
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

/** Admits the request against the target's RPM/TPM; throws the provider's 429 when over. */
export function admitCapacity(
  call: InferenceCall,
  target: InferenceTarget,
  tokenCost: number,
): CapacityDecision {
  const decision = call.engine.limiter.admit(target.limiterKey, target.capacity, tokenCost, Date.now());
  if (!decision.allowed) {
    call.engine.stats.target(call.surface.provider, target.name).rejections++;
    throw new SandboxError({
      kind: 'rate_limited',
      decision,
      limits: target.capacity,
      tokenCost,
      model: target.model.id,
      operation: call.operation,
    });
  }
  return decision;
}
