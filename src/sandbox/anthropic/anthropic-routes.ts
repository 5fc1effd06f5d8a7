import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError } from '../engine/sandbox-error.js';
import type { SandboxRouter } from '../sandbox-server.js';
import { AnthropicPromptCache } from './anthropic-prompt-cache.js';
import { type AnthropicCall, type AnthropicRouteState, anthropicRoute } from './anthropic-route.js';
import {
  type AnthropicSandboxOptions,
  type AnthropicSandboxOptionsInput,
  type ResolvedAnthropicOptions,
  resolveAnthropicOptions,
} from './anthropic-sandbox-options.js';
import { handleCountTokens, handleGetModel, handleListModels } from './count-and-list-handlers.js';
import { handleMessages } from './messages-handler.js';

const VERTEX_MODELS = '/projects/{project}/locations/{location}/publishers/anthropic/models';

/**
 * Whether a request is meant for the Anthropic API: the SDK always sends `anthropic-version`, and
 * `x-api-key` is Anthropic's own header. `GET /v1/models` is shared with OpenAI's path and needs this.
 * @example isAnthropicRequest(context.request) // true for the Anthropic SDK, false for the OpenAI SDK
 */
export function isAnthropicRequest(request: { headers: IncomingHttpHeaders }): boolean {
  const { headers } = request;
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
}

function vertexHandler(handler: (call: AnthropicCall) => Promise<void>) {
  return (call: AnthropicCall) => {
    const { project, location, model } = call.context.params;
    call.vertexResource = `projects/${project}/locations/${location}/publishers/anthropic/models/${model}`;
    return handler(call);
  };
}

/**
 * Registers the Anthropic emulation on `router`: the Messages API under `/v1` (`messages`,
 * `messages/count_tokens`, `models`) and Claude on Vertex AI
 * (`/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict|:streamRawPredict`,
 * `…/models/count-tokens:rawPredict`). State (prompt cache) lives with this registration.
 * @example
 * registerAnthropicSandboxRoutes(router, engine, resolved.anthropic);
 * const client = new Anthropic({ baseURL: sandboxUrl, apiKey: 'sk-ant-sandbox' });
 */
export function registerAnthropicSandboxRoutes(
  router: SandboxRouter,
  engine: SandboxEngine,
  options: ResolvedAnthropicOptions | AnthropicSandboxOptions | AnthropicSandboxOptionsInput = {},
): void {
  const state: AnthropicRouteState = {
    engine,
    options: resolveAnthropicOptions(options),
    cache: new AnthropicPromptCache(engine.options.promptCache.maxEntries),
  };
  router.add('POST', '/v1/messages', anthropicRoute(state, 'api', handleMessages));
  router.add('POST', '/v1/messages/count_tokens', anthropicRoute(state, 'api', handleCountTokens));
  // OpenAI serves the same paths: these answer only requests that look like the Anthropic SDK's.
  router.add('GET', '/v1/models', anthropicRoute(state, 'api', handleListModels), isAnthropicRequest);
  router.add('GET', '/v1/models/{model}', anthropicRoute(state, 'api', handleGetModel), isAnthropicRequest);
  for (const version of ['v1', 'v1beta1']) {
    const base = `/${version}${VERTEX_MODELS}`;
    // Registered before `{model}:rawPredict`, which would otherwise take `count-tokens` for a model name.
    router.add('POST', `${base}/count-tokens:rawPredict`, anthropicRoute(state, 'vertex', handleCountTokens));
    router.add(
      'POST',
      `${base}/{model}:rawPredict`,
      anthropicRoute(state, 'vertex', vertexHandler(handleMessages)),
    );
    router.add(
      'POST',
      `${base}/{model}:streamRawPredict`,
      anthropicRoute(state, 'vertex', vertexHandler(handleMessages)),
    );
  }
  router.fallback(
    '/v1/messages',
    anthropicRoute(state, 'api', async (call) => {
      throw new SandboxError({
        kind: 'route_not_found',
        method: call.context.method,
        path: call.context.path,
      });
    }),
  );
}
