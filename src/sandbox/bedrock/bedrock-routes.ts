import type { SandboxEngine } from '../engine/sandbox-engine.js';
import type { SandboxRouter } from '../sandbox-server.js';
import { BedrockPromptCache } from './bedrock-prompt-cache.js';
import { type BedrockState, bedrockRoute } from './bedrock-route.js';
import { handleConverse } from './converse-handler.js';
import { handleCountTokens } from './count-tokens-handler.js';
import { handleInvoke } from './invoke-handler.js';

/**
 * Registers the Bedrock Runtime emulation (`bedrock-runtime.{region}.amazonaws.com`): Converse,
 * ConverseStream, InvokeModel, InvokeModelWithResponseStream and CountTokens under `/model/{modelId}/…`,
 * SigV4 or Bedrock API key auth. The AWS SDK reaches it with `endpoint: sandbox.url`.
 * @example registerBedrockRoutes(router, engine) // then new BedrockRuntimeClient({ endpoint: url, region: 'us-east-1', credentials })
 */
export function registerBedrockRoutes(router: SandboxRouter, engine: SandboxEngine): void {
  const state: BedrockState = {
    engine,
    options: engine.options.bedrock,
    cache: new BedrockPromptCache(engine.options.promptCache.maxEntries),
  };
  router.add(
    'POST',
    '/model/{modelId}/converse',
    bedrockRoute(state, (call) => handleConverse(call, false)),
  );
  router.add(
    'POST',
    '/model/{modelId}/converse-stream',
    bedrockRoute(state, (call) => handleConverse(call, true)),
  );
  router.add(
    'POST',
    '/model/{modelId}/invoke',
    bedrockRoute(state, (call) => handleInvoke(call, false)),
  );
  router.add(
    'POST',
    '/model/{modelId}/invoke-with-response-stream',
    bedrockRoute(state, (call) => handleInvoke(call, true)),
  );
  router.add('POST', '/model/{modelId}/count-tokens', bedrockRoute(state, handleCountTokens));
  router.fallback('/model/', ({ response }) => {
    response
      .writeHead(404, { 'x-amzn-errortype': 'UnknownOperationException', 'content-type': 'application/json' })
      .end('{}');
  });
}
