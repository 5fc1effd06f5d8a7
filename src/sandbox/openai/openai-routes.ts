import type { SandboxModel } from '../default-models.js';
import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError } from '../engine/sandbox-error.js';
import type { SandboxRouter } from '../sandbox-server.js';
import { handleChatCompletions } from './chat-handler.js';
import { handleEmbeddings } from './embeddings-handler.js';
import { inferenceRoute, sendJson } from './inference-route.js';
import { createOpenAISurface } from './openai-surface.js';

function modelObject(model: SandboxModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}

/**
 * Registers the api.openai.com emulation: chat completions, embeddings and models under `/v1`.
 * @example registerOpenAIRoutes(router, engine) // then new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-sandbox' })
 */
export function registerOpenAIRoutes(router: SandboxRouter, engine: SandboxEngine): void {
  const surface = createOpenAISurface(engine.options);
  const modelList = JSON.stringify({
    object: 'list',
    data: Object.values(engine.options.models).map(modelObject),
  });
  router.add('POST', '/v1/chat/completions', inferenceRoute(surface, engine, 'chat', handleChatCompletions));
  router.add('POST', '/v1/embeddings', inferenceRoute(surface, engine, 'embeddings', handleEmbeddings));
  router.add(
    'GET',
    '/v1/models',
    inferenceRoute(surface, engine, 'chat', async ({ context }) => {
      sendJson(context, 200, surface.baseHeaders(context, undefined), modelList);
    }),
  );
  router.add(
    'GET',
    '/v1/models/{model}',
    inferenceRoute(surface, engine, 'chat', async ({ context }) => {
      const id = context.params['model'] ?? '';
      const model = engine.options.models[id];
      if (!model) throw new SandboxError({ kind: 'unknown_model', model: id });
      sendJson(context, 200, surface.baseHeaders(context, undefined), JSON.stringify(modelObject(model)));
    }),
  );
  const notFound = inferenceRoute(surface, engine, 'chat', async ({ context }) => {
    throw new SandboxError({ kind: 'route_not_found', method: context.method, path: context.path });
  });
  router.fallback('/v1', notFound);
  router.fallback('', notFound);
}
