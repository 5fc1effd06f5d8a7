import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { CapacityDecision } from '../engine/capacity-limiter.js';
import { MAX_BODY_BYTES, type SandboxEngine } from '../engine/sandbox-engine.js';
import { BodyTooLargeError, type RouteHandler, readBody, type SandboxContext } from '../sandbox-server.js';
import type { TargetStats } from '../sandbox-stats.js';
import { authenticateBedrock, type BedrockPrincipal } from './authenticate-bedrock.js';
import {
  BedrockError,
  TOO_MANY_REQUESTS_MESSAGE,
  TOO_MANY_TOKENS_MESSAGE,
  throttlingError,
  validationError,
} from './bedrock-error.js';
import type { BedrockPromptCache } from './bedrock-prompt-cache.js';
import type { ResolvedBedrockOptions } from './bedrock-sandbox-options.js';
import { type BedrockTarget, resolveBedrockTarget } from './resolve-bedrock-target.js';

/** What every Bedrock route shares within one sandbox. */
export interface BedrockState {
  engine: SandboxEngine;
  options: ResolvedBedrockOptions;
  cache: BedrockPromptCache;
}

/** One authenticated request for a resolved model, as handlers receive it. */
export interface BedrockCall {
  context: SandboxContext;
  state: BedrockState;
  requestId: string;
  body: Buffer;
  principal: BedrockPrincipal;
  target: BedrockTarget;
}

export function statsOf(call: BedrockCall): TargetStats {
  return call.state.engine.stats.target('bedrock', call.target.name);
}

/** Headers on every Bedrock Runtime response. */
export function bedrockHeaders(requestId: string): OutgoingHttpHeaders {
  return { 'x-amzn-requestid': requestId };
}

function sendError(context: SandboxContext, requestId: string, error: BedrockError): void {
  if (context.response.headersSent) {
    context.response.destroy();
    return;
  }
  context.response
    .writeHead(error.status, {
      ...bedrockHeaders(requestId),
      ...error.headers(),
      'content-type': 'application/json',
    })
    .end(error.body());
}

async function readRequestBody(context: SandboxContext): Promise<Buffer> {
  try {
    return await readBody(context.request, MAX_BODY_BYTES);
  } catch (error: unknown) {
    if (error instanceof BodyTooLargeError) throw validationError('Input is too long for requested model.');
    throw error;
  }
}

function rawQuery(context: SandboxContext): string {
  const url = context.request.url ?? '';
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/**
 * Wraps a Bedrock handler in what the service does first, in its order: read the body (SigV4 signs
 * it), authenticate (403), resolve `{modelId}` (400/404). Any BedrockError becomes the service's error
 * response: status, `x-amzn-ErrorType`, `x-amzn-RequestId`, `{"message": …}`.
 * @example router.add('POST', '/model/{modelId}/converse', bedrockRoute(state, handleConverse))
 */
export function bedrockRoute(
  state: BedrockState,
  handler: (call: BedrockCall) => Promise<void>,
): RouteHandler {
  return async (context) => {
    const requestId = randomUUID();
    try {
      const body = await readRequestBody(context);
      const principal = await authenticateBedrock(
        {
          method: context.method,
          path: context.path,
          query: rawQuery(context),
          headers: context.request.headers,
          body,
        },
        state.options,
      );
      const target = resolveBedrockTarget(context.params['modelId'] ?? '', state.options);
      await handler({ context, state, requestId, body, principal, target });
    } catch (error: unknown) {
      if (!(error instanceof BedrockError)) throw error;
      sendError(context, requestId, error);
    }
  };
}

/** Parses the body as a JSON object, or throws the 400 the service gives for one that is not. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const parsed = safeParseJson(body.toString('utf8'));
  if (
    !parsed.success ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw validationError('Malformed input request, please reformat your input and try again.');
  }
  return parsed.value as Record<string, unknown>;
}

/** Admits the request against its target's RPM/TPM, or throws ThrottlingException (not counted). */
export function admitBedrockCapacity(call: BedrockCall, tokenCost: number): CapacityDecision {
  const { target } = call;
  const decision = call.state.engine.limiter.admit(target.limiterKey, target.capacity, tokenCost, Date.now());
  if (decision.allowed) return decision;
  statsOf(call).rejections++;
  throw throttlingError(decision.exceeded === 'tokens' ? TOO_MANY_TOKENS_MESSAGE : TOO_MANY_REQUESTS_MESSAGE);
}
