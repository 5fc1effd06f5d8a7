import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CapacityDecision } from '../engine/capacity-limiter.js';
import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import type { InferenceSurface, InferenceTarget } from '../openai/inference-surface.js';
import { openAIRateLimitHeaders } from '../openai/openai-rate-limit-headers.js';
import { bearerToken } from '../openai/openai-surface.js';
import type { ResolvedSandboxOptions } from '../sandbox-options.js';
import type { SandboxContext } from '../sandbox-server.js';
import { azureDecoration } from './azure-content-filter.js';
import { renderAzureError } from './azure-error-response.js';

/** 'deployment': `/openai/deployments/{d}/…?api-version=YYYY-MM-DD`; 'v1': `/openai/v1/…`, model = deployment. */
export type AzureApiFlavor = 'deployment' | 'v1';

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const V1_VERSIONS = new Set(['v1', 'preview', 'latest']);

/** The api-version in effect, or a thrown 404/400 as Azure routes it. */
export function checkApiVersion(context: SandboxContext, flavor: AzureApiFlavor): string {
  const version = context.query.get('api-version');
  if (flavor === 'v1') {
    if (version === null) return 'v1';
    if (V1_VERSIONS.has(version)) return version;
    throw new SandboxError({ kind: 'api_version_unsupported', version });
  }
  if (version === null || version === '') throw new SandboxError({ kind: 'api_version_missing' });
  if (!DATED_VERSION.test(version)) throw new SandboxError({ kind: 'api_version_unsupported', version });
  return version;
}

function remainingHeaders(target: InferenceTarget, decision: CapacityDecision): OutgoingHttpHeaders {
  const all = openAIRateLimitHeaders(target.capacity, decision);
  // Azure sends only the remaining-* pair on successes.
  return {
    'x-ratelimit-remaining-requests': all['x-ratelimit-remaining-requests'],
    'x-ratelimit-remaining-tokens': all['x-ratelimit-remaining-tokens'],
  };
}

/**
 * An Azure OpenAI resource: `api-key` (or Bearer) auth, deployments instead of models, Azure error
 * codes, content-filter annotations, and the apim/x-ms headers.
 */
export function createAzureSurface(
  options: ResolvedSandboxOptions,
  flavor: AzureApiFlavor,
): InferenceSurface {
  const keys = new Set(options.azure.keys);
  return {
    provider: 'azure',
    contentFilter: true,
    authenticate(context) {
      // Azure routes on the api-version before it looks at credentials.
      checkApiVersion(context, flavor);
      const header = context.request.headers['api-key'];
      const key = (Array.isArray(header) ? header[0] : header) ?? bearerToken(context);
      if (key === undefined || !keys.has(key))
        throw new SandboxError({ kind: 'invalid_key', key: key ?? '' });
      return key;
    },
    resolveTarget(context, bodyModel) {
      const name = flavor === 'deployment' ? context.params['deployment'] : bodyModel;
      if (typeof name !== 'string' || name === '')
        throw invalidRequest('You must provide a model parameter.', null);
      const deployment = options.azure.deployments[name];
      const model = deployment ? options.models[deployment.model] : undefined;
      if (!deployment || !model) throw new SandboxError({ kind: 'unknown_deployment', deployment: name });
      return {
        name,
        model,
        capacity: deployment.capacity,
        limiterKey: `azure|${name}`,
        cacheScope: `azure|${name}`,
      };
    },
    renderError(context, spec, operation, target) {
      const deploymentType = (target && options.azure.deployments[target.name]?.type) || 'standard';
      const apiVersion = context.query.get('api-version') ?? 'v1';
      return renderAzureError(spec, { operation, apiVersion, deploymentType });
    },
    baseHeaders(context, target) {
      const requestId = randomUUID();
      const deployment = target ? options.azure.deployments[target.name] : undefined;
      const clientRequestId = context.request.headers['x-ms-client-request-id'];
      return {
        'apim-request-id': requestId,
        'x-request-id': requestId,
        'x-ms-region': deployment?.region ?? options.azure.region,
        ...(deployment ? { 'x-ms-deployment-name': deployment.name } : {}),
        ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
        'openai-processing-ms': String(Math.round(performance.now() - context.startedAt)),
      };
    },
    rateLimitHeaders: remainingHeaders,
    decoration: azureDecoration,
  };
}
