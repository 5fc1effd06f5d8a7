import type { CatalogProviderType } from './catalog-schema.js';

/** Which list price applies: the global endpoint's, or the standard (regional / geographic) one. */
export type PriceScope = 'global' | 'standard';

export interface NormalizedModelId {
  /** The id to look up in the catalog (lowercase); undefined when the id names no model by itself. */
  id: string | undefined;
  /** Set when the id itself says which endpoint serves it (Bedrock profiles, Vertex resource paths). */
  scope?: PriceScope;
}

const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:([a-z-]+)\/(.+)$/;
const BEDROCK_PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/;
const VERTEX_LOCATION = /(?:^|\/)locations\/([^/]+)\//;

/**
 * Bedrock: an ARN is reduced to its resource; `foundation-model/` and system `inference-profile/`
 * resources name a model, provisioned-model and application-inference-profile ARNs do not (the
 * deployment must pin `pricing.catalogModel`). A cross-region profile prefix (`eu.`, `us.`, …) is
 * stripped; `global.` selects the global price.
 */
function normalizeBedrock(modelId: string): NormalizedModelId {
  let resource = modelId;
  const arn = BEDROCK_ARN.exec(modelId);
  if (arn !== null) {
    const [, resourceType, name = ''] = arn;
    if (resourceType !== 'foundation-model' && resourceType !== 'inference-profile') return { id: undefined };
    resource = name;
  }
  const profile = BEDROCK_PROFILE_PREFIX.exec(resource);
  if (profile === null) return { id: resource, scope: 'standard' };
  return { id: profile[2] ?? '', scope: profile[1] === 'global' ? 'global' : 'standard' };
}

/** Vertex accepts bare ids and resource paths (`projects/p/locations/l/publishers/google/models/m`). */
function normalizeVertex(modelId: string): NormalizedModelId {
  const location = VERTEX_LOCATION.exec(modelId)?.[1];
  const id = modelId.slice(modelId.lastIndexOf('/') + 1).toLowerCase();
  if (location === undefined) return { id };
  return { id, scope: location === 'global' ? 'global' : 'standard' };
}

/**
 * Reduces an upstream model id, as a deployment or a response names it, to the form catalog
 * entries list: no ARN, no Bedrock profile prefix, no resource path, lowercase.
 *
 * @example
 * normalizeModelId('bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0')
 * // { id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', scope: 'global' }
 * normalizeModelId('gemini', 'models/gemini-2.5-pro') // { id: 'gemini-2.5-pro' }
 */
export function normalizeModelId(providerType: CatalogProviderType, modelId: string): NormalizedModelId {
  const trimmed = modelId.trim();
  switch (providerType) {
    case 'bedrock':
      return normalizeBedrock(trimmed.toLowerCase());
    case 'vertex':
      return normalizeVertex(trimmed);
    case 'gemini':
      return { id: trimmed.replace(/^models\//, '').toLowerCase() };
    default:
      return { id: trimmed.toLowerCase() };
  }
}
