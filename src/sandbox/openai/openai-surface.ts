import { performance } from 'node:perf_hooks';
import { createRequestId } from '../engine/ids.js';
import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import type { ResolvedSandboxOptions } from '../sandbox-options.js';
import type { SandboxContext } from '../sandbox-server.js';
import { OPENAI_DECORATION } from './chat-completion-body.js';
import type { InferenceSurface } from './inference-surface.js';
import { renderOpenAIError } from './openai-error-response.js';
import { openAIRateLimitHeaders } from './openai-rate-limit-headers.js';

/** Reads `Authorization: Bearer <key>`; undefined when absent or another scheme. */
export function bearerToken(context: SandboxContext): string | undefined {
  const header = context.request.headers.authorization;
  if (!header || !/^bearer /i.test(header)) return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
}

/**
 * api.openai.com: Bearer keys, the model named in the body, `{error:{message,type,param,code}}` bodies.
 * @example createOpenAISurface(options).authenticate(context) // the accepted key, or throws 401
 */
export function createOpenAISurface(options: ResolvedSandboxOptions): InferenceSurface {
  const keys = new Set(options.openai.keys);
  return {
    provider: 'openai',
    contentFilter: false,
    authenticate(context) {
      const key = bearerToken(context);
      if (key === undefined) throw new SandboxError({ kind: 'missing_key' });
      if (!keys.has(key)) throw new SandboxError({ kind: 'invalid_key', key });
      return key;
    },
    resolveTarget(_context, bodyModel, key) {
      if (bodyModel === undefined || bodyModel === '')
        throw invalidRequest('You must provide a model parameter.', null);
      if (typeof bodyModel !== 'string') {
        throw invalidRequest("Invalid type for 'model': expected a string.", 'model', 'invalid_type');
      }
      const model = options.models[bodyModel];
      if (!model) throw new SandboxError({ kind: 'unknown_model', model: bodyModel });
      return {
        name: model.id,
        model,
        capacity: options.openai.capacity[model.id] ?? {},
        limiterKey: `openai|${model.id}`,
        cacheScope: `openai|${key}|${model.id}`,
      };
    },
    renderError: (_context, spec) => renderOpenAIError(spec, options.openai.organization),
    baseHeaders: (context) => ({
      'x-request-id': createRequestId(),
      'openai-version': '2020-10-01',
      'openai-organization': options.openai.organization,
      'openai-processing-ms': String(Math.round(performance.now() - context.startedAt)),
    }),
    rateLimitHeaders: (target, decision) => openAIRateLimitHeaders(target.capacity, decision),
    decoration: () => OPENAI_DECORATION,
  };
}
