import type { OutgoingHttpHeaders } from 'node:http';
import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { sendJson } from '../openai/inference-route.js';
import { bearerToken } from '../openai/openai-surface.js';
import type { RouteHandler, SandboxContext } from '../sandbox-server.js';
import { RenderedError } from './admit-anthropic-capacity.js';
import {
  type AnthropicSurface,
  type ErrorResponse,
  renderAnthropicError,
} from './anthropic-error-response.js';
import { createAnthropicRequestId } from './anthropic-ids.js';
import type { AnthropicSandboxModel } from './anthropic-models.js';
import type { AnthropicPromptCache } from './anthropic-prompt-cache.js';
import type { ResolvedAnthropicOptions } from './anthropic-sandbox-options.js';

/** What every Anthropic route shares for one running sandbox. */
export interface AnthropicRouteState {
  engine: SandboxEngine;
  options: ResolvedAnthropicOptions;
  cache: AnthropicPromptCache;
}

/** One authenticated request. */
export interface AnthropicCall {
  context: SandboxContext;
  state: AnthropicRouteState;
  surface: AnthropicSurface;
  requestId: string;
  /** Set once known, for stats and Vertex's not-found message. */
  model?: AnthropicSandboxModel;
  vertexResource?: string;
}

function header(context: SandboxContext, name: string): string | undefined {
  const value = context.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function authenticate(call: AnthropicCall): void {
  const { context, state, surface } = call;
  if (surface === 'vertex') {
    const token = bearerToken(context);
    if (token === undefined) throw new SandboxError({ kind: 'missing_key' });
    if (!state.options.vertexTokens.has(token)) throw new SandboxError({ kind: 'invalid_key', key: token });
    return;
  }
  // The API takes `x-api-key`; the current SDK sends the key as a Bearer token instead.
  const key = header(context, 'x-api-key') ?? bearerToken(context);
  if (key === undefined || key === '') throw new SandboxError({ kind: 'missing_key' });
  if (!state.options.keys.has(key)) throw new SandboxError({ kind: 'invalid_key', key });
  const version = header(context, 'anthropic-version');
  if (version === undefined || version === '') throw new SandboxError({ kind: 'api_version_missing' });
  if (!state.options.versions.has(version))
    throw new SandboxError({ kind: 'api_version_unsupported', version });
}

/** Headers on every api.anthropic.com answer; Vertex adds none of Anthropic's. */
export function baseHeaders(call: AnthropicCall): OutgoingHttpHeaders {
  if (call.surface === 'vertex') return {};
  return { 'request-id': call.requestId, 'anthropic-organization-id': call.state.options.organizationId };
}

function render(call: AnthropicCall, error: unknown): ErrorResponse | undefined {
  if (error instanceof RenderedError) return error.response;
  if (!(error instanceof SandboxError)) return undefined;
  return renderAnthropicError(error.spec, {
    surface: call.surface,
    requestId: call.requestId,
    vertexResource: call.vertexResource,
  });
}

/**
 * Wraps an Anthropic handler: authenticates first (and checks `anthropic-version` on the API), then
 * turns a SandboxError or an already rendered error into the surface's native response.
 * @example router.add('POST', '/v1/messages', anthropicRoute(state, 'api', handleMessages));
 */
export function anthropicRoute(
  state: AnthropicRouteState,
  surface: AnthropicSurface,
  handler: (call: AnthropicCall) => Promise<void>,
): RouteHandler {
  return async (context) => {
    const call: AnthropicCall = { context, state, surface, requestId: createAnthropicRequestId() };
    try {
      authenticate(call);
      await handler(call);
    } catch (error: unknown) {
      const response = render(call, error);
      if (response === undefined) throw error;
      const headers = { ...baseHeaders(call), ...response.headers };
      sendJson(context, response.status, headers, JSON.stringify(response.body));
    }
  };
}

/** Stats key: `anthropic` for the API, `vertex-anthropic` for Claude on Vertex. */
export function statsProvider(surface: AnthropicSurface): string {
  return surface === 'api' ? 'anthropic' : 'vertex-anthropic';
}
