import { SandboxError } from '../engine/sandbox-error.js';
import { sendJson } from '../openai/inference-route.js';
import type { SandboxContext } from '../sandbox-server.js';
import type { GeminiSandboxModel, ResolvedGeminiSandboxOptions } from './gemini-sandbox-options.js';
import { authenticateGoogle, googleHeaders, sendGoogleError } from './google-call.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

function modelResource(model: GeminiSandboxModel): Record<string, unknown> {
  const chat = model.kind === 'chat';
  return {
    name: `models/${model.id}`,
    version: /-(\d{3})$/.exec(model.version)?.[1] ?? '001',
    displayName: model.displayName,
    description: `${model.displayName} (sandbox emulation)`,
    inputTokenLimit: model.contextWindow,
    outputTokenLimit: chat ? model.maxOutputTokens : 1,
    supportedGenerationMethods: chat
      ? ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent']
      : ['embedContent', 'countTextTokens', 'countTokens'],
    ...(chat ? { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 } : {}),
    ...(chat && model.thinking !== 'none' ? { thinking: true } : {}),
  };
}

const info = (context: SandboxContext, method: string) => ({
  flavor: 'gemini' as const,
  apiVersion: 'v1beta',
  method,
  resourcePrefix: '',
  arrayForm: false,
  context,
});

/**
 * `GET /v1beta/models` (paged with `pageSize`/`pageToken`, as `@google/genai`'s pager reads it) and
 * `GET /v1beta/models/{model}` on the Gemini API.
 */
export function handleListModels(context: SandboxContext, options: ResolvedGeminiSandboxOptions): void {
  try {
    authenticateGoogle(context, options, 'gemini');
    const requested = Number(context.query.get('pageSize') ?? DEFAULT_PAGE_SIZE);
    const pageSize =
      Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    const offset = Number(context.query.get('pageToken') ?? '0') || 0;
    const all = Object.values(options.models);
    const page = all.slice(offset, offset + pageSize).map(modelResource);
    const next = offset + pageSize < all.length ? { nextPageToken: String(offset + pageSize) } : {};
    sendJson(context, 200, googleHeaders(context), JSON.stringify({ models: page, ...next }));
  } catch (error: unknown) {
    if (!(error instanceof SandboxError)) throw error;
    sendGoogleError(context, error, info(context, 'listModels'));
  }
}

export function handleGetModel(context: SandboxContext, options: ResolvedGeminiSandboxOptions): void {
  try {
    authenticateGoogle(context, options, 'gemini');
    const id = context.params['model'] ?? '';
    const model = options.models[id];
    if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: id });
    sendJson(context, 200, googleHeaders(context), JSON.stringify(modelResource(model)));
  } catch (error: unknown) {
    if (!(error instanceof SandboxError)) throw error;
    sendGoogleError(context, error, info(context, 'getModel'));
  }
}
