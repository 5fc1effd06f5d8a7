import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { handleChatCompletions } from '../openai/chat-handler.js';
import { handleEmbeddings } from '../openai/embeddings-handler.js';
import { inferenceRoute, sendJson } from '../openai/inference-route.js';
import type { ResolvedSandboxOptions } from '../sandbox-options.js';
import type { SandboxRouter } from '../sandbox-server.js';
import { createAzureSurface } from './azure-surface.js';

function listDeployments(options: ResolvedSandboxOptions): string {
  // The v1 API addresses deployments by name in `model`, so those are the ids worth listing.
  const data = Object.values(options.azure.deployments).map((deployment) => ({
    id: deployment.name,
    object: 'model',
    created: options.models[deployment.model]?.created ?? 0,
    owned_by: 'system',
  }));
  return JSON.stringify({ object: 'list', data });
}

function listModels(options: ResolvedSandboxOptions): string {
  const data = Object.values(options.models).map((model) => ({
    id: model.snapshot,
    object: 'model',
    created_at: model.created,
    status: 'succeeded',
    lifecycle_status: 'generally-available',
    capabilities: {
      chat_completion: model.kind === 'chat',
      embeddings: model.kind === 'embedding',
      completion: false,
      inference: true,
      fine_tune: false,
    },
  }));
  return JSON.stringify({ object: 'list', data });
}

/**
 * Registers the Azure OpenAI emulation: the dated deployment API (`/openai/deployments/{d}/…`) and the
 * v1 API (`/openai/v1/…`, where the body's `model` names the deployment).
 * @example new AzureOpenAI({ endpoint: url, apiKey: 'sandbox-azure-key', apiVersion: '2024-10-21', deployment: 'gpt-4o' })
 */
export function registerAzureOpenAIRoutes(router: SandboxRouter, engine: SandboxEngine): void {
  const { options } = engine;
  const dated = createAzureSurface(options, 'deployment');
  const v1 = createAzureSurface(options, 'v1');
  const deploymentPath = '/openai/deployments/{deployment}';
  router.add(
    'POST',
    `${deploymentPath}/chat/completions`,
    inferenceRoute(dated, engine, 'chat', handleChatCompletions),
  );
  router.add(
    'POST',
    `${deploymentPath}/embeddings`,
    inferenceRoute(dated, engine, 'embeddings', handleEmbeddings),
  );
  router.add(
    'POST',
    '/openai/v1/chat/completions',
    inferenceRoute(v1, engine, 'chat', handleChatCompletions),
  );
  router.add('POST', '/openai/v1/embeddings', inferenceRoute(v1, engine, 'embeddings', handleEmbeddings));
  const deploymentList = listDeployments(options);
  const modelList = listModels(options);
  router.add(
    'GET',
    '/openai/v1/models',
    inferenceRoute(v1, engine, 'chat', async ({ context }) =>
      sendJson(context, 200, v1.baseHeaders(context, undefined), deploymentList),
    ),
  );
  router.add(
    'GET',
    '/openai/models',
    inferenceRoute(dated, engine, 'chat', async ({ context }) =>
      sendJson(context, 200, dated.baseHeaders(context, undefined), modelList),
    ),
  );
  // Unknown paths get Azure's 404 before any credential check, as API Management routes first.
  router.fallback('/openai', (context) => {
    const rendered = v1.renderError(
      context,
      { kind: 'route_not_found', method: context.method, path: context.path },
      'chat',
      undefined,
    );
    sendJson(context, rendered.status, v1.baseHeaders(context, undefined), JSON.stringify(rendered.body));
  });
}
