import type { SandboxEngine } from '../engine/sandbox-engine.js';
import { SandboxError } from '../engine/sandbox-error.js';
import type { RouteHandler, SandboxContext, SandboxRouter } from '../sandbox-server.js';
import { handleCountTokens } from './count-tokens-handler.js';
import { handleEmbedding } from './embed-handlers.js';
import {
  type GeminiSandboxOptionsInput,
  type ResolvedGeminiSandboxOptions,
  resolveGeminiSandboxOptions,
} from './gemini-sandbox-options.js';
import { handleGenerateContent } from './generate-content-handler.js';
import { type GoogleFlavor, type GoogleHandler, googleRoute, sendGoogleError } from './google-call.js';
import { handleGetModel, handleListModels } from './models-handler.js';

const METHODS: Record<GoogleFlavor, Record<string, GoogleHandler>> = {
  gemini: {
    generateContent: handleGenerateContent,
    streamGenerateContent: handleGenerateContent,
    countTokens: handleCountTokens,
    embedContent: handleEmbedding,
    batchEmbedContents: handleEmbedding,
  },
  vertex: {
    generateContent: handleGenerateContent,
    streamGenerateContent: handleGenerateContent,
    countTokens: handleCountTokens,
    predict: handleEmbedding,
    embedContent: handleEmbedding,
  },
};

const VERTEX_VERSIONS = ['v1', 'v1beta1'];
const VERTEX_BASE = '/projects/{project}/locations/{location}/publishers/{publisher}/models/{target}';

/**
 * Registers the Gemini API (`/v1beta/models/{model}:generateContent|streamGenerateContent|countTokens|
 * embedContent|batchEmbedContents`, `GET /v1beta/models[/{model}]`, also `/v1/models/…` POSTs) and Vertex
 * AI (`/{v1,v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent|
 * streamGenerateContent|countTokens|predict|embedContent`, and the same without the project prefix).
 *
 * @example
 * registerGeminiSandboxRoutes(router, engine, resolved.gemini);
 * // new GoogleGenAI({ apiKey: 'sandbox-gemini-key', httpOptions: { baseUrl: sandbox.url } })
 */
export function registerGeminiSandboxRoutes(
  router: SandboxRouter,
  engine: SandboxEngine,
  input: GeminiSandboxOptionsInput = {},
): void {
  const options = resolveGeminiSandboxOptions(input);
  const route = (flavor: GoogleFlavor, apiVersion: string) => modelRoute(engine, options, flavor, apiVersion);
  router.add('POST', '/v1beta/models/{target}', route('gemini', 'v1beta'));
  router.add('POST', '/v1/models/{target}', route('gemini', 'v1'));
  router.add('GET', '/v1beta/models', (context) => handleListModels(context, options));
  router.add('GET', '/v1beta/models/{model}', (context) => handleGetModel(context, options));
  for (const version of VERTEX_VERSIONS) {
    router.add('POST', `/${version}${VERTEX_BASE}`, route('vertex', version));
    router.add('POST', `/${version}/publishers/{publisher}/models/{target}`, route('vertex', version));
  }
  router.fallback('/v1beta/', notFoundRoute('gemini', 'v1beta'));
  router.fallback('/v1beta1/', notFoundRoute('vertex', 'v1beta1'));
  router.fallback('/v1/projects/', notFoundRoute('vertex', 'v1'));
  router.fallback('/v1/publishers/', notFoundRoute('vertex', 'v1'));
}

/** `…/models/{model}:{method}`: splits the method off the last segment and dispatches it. */
function modelRoute(
  engine: SandboxEngine,
  options: ResolvedGeminiSandboxOptions,
  flavor: GoogleFlavor,
  apiVersion: string,
): RouteHandler {
  return (context) => {
    const target = context.params['target'] ?? '';
    const colon = target.lastIndexOf(':');
    const modelId = colon < 0 ? target : target.slice(0, colon);
    const method = colon < 0 ? '' : target.slice(colon + 1);
    const project = context.params['project'];
    const info = {
      flavor,
      apiVersion,
      method,
      resourcePrefix:
        project === undefined ? '' : `projects/${project}/locations/${context.params['location']}`,
      arrayForm: method === 'streamGenerateContent' && context.query.get('alt') !== 'sse',
    };
    const handler = METHODS[flavor][method];
    if (handler === undefined) {
      const spec = { kind: 'route_not_found', method: context.method, path: context.path } as const;
      sendGoogleError(context, new SandboxError(spec), info);
      return;
    }
    // Only Google's own models are emulated; other publishers (anthropic, meta …) are unknown models.
    if ((context.params['publisher'] ?? 'google') !== 'google') {
      sendGoogleError(context, new SandboxError({ kind: 'unknown_model', model: modelId }), info);
      return;
    }
    return googleRoute(engine, options, context, { ...info, modelId }, handler);
  };
}

function notFoundRoute(flavor: GoogleFlavor, apiVersion: string): RouteHandler {
  return (context: SandboxContext) => {
    const spec = { kind: 'route_not_found', method: context.method, path: context.path } as const;
    sendGoogleError(context, new SandboxError(spec), {
      flavor,
      apiVersion,
      method: '',
      resourcePrefix: '',
      arrayForm: false,
    });
  };
}
