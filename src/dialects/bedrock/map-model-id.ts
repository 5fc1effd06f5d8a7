import { GatewayError } from '../../core/gateway-error.js';
import type { ModelRegistry } from '../../pipeline/route/model-registry.js';

/** `arn:<partition>:bedrock:<region>:<account>:<resource type>/<resource id>` */
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:[a-z-]+\/(.+)$/;
/** Cross-region inference profile ids prefix a foundation model id with a geography. */
const GEO_PREFIX = /^(?:us|eu|apac|global|us-gov|jp|au|ca)\.(.+)$/;
const MAX_MODEL_ID_LENGTH = 2048;

/**
 * Decodes the `{modelId}` path segment. The AWS SDKs percent-encode the whole id (`:` → `%3A`,
 * an ARN's `/` → `%2F`); hand-written URLs may carry a literal `:`. The segment is decoded once,
 * never split on a decoded `/`.
 *
 * @example
 * decodeModelIdSegment('arn%3Aaws%3Abedrock%3Aeu-west-1%3A1%3Ainference-profile%2Feu.m-v1%3A0')
 * // 'arn:aws:bedrock:eu-west-1:1:inference-profile/eu.m-v1:0'
 */
export function decodeModelIdSegment(segment: string): string {
  let modelId: string;
  try {
    modelId = decodeURIComponent(segment);
  } catch {
    throw new GatewayError('invalid_request', 'The provided model identifier is invalid.', {
      param: 'modelId',
    });
  }
  if (modelId === '' || modelId.length > MAX_MODEL_ID_LENGTH) {
    throw new GatewayError('invalid_request', 'The provided model identifier is invalid.', {
      param: 'modelId',
    });
  }
  return modelId;
}

/**
 * Maps a Bedrock model id from the URL to the Converge model it asks for (the model's name, whichever
 * of its names matched): the exact public name or alias first; else the id inside an ARN (foundation model, inference profile,
 * provisioned model …); else that id without its geography prefix (`eu.`, `us.`, `apac.`,
 * `global.`). Operators make Bedrock ids reachable by listing them as aliases. An id that matches
 * nothing is returned as is, and routing answers 404 (`ResourceNotFoundException`).
 *
 * @example
 * // with alias 'anthropic.claude-3-5-sonnet-20241022-v2:0' on model 'claude-sonnet':
 * mapBedrockModelId('eu.anthropic.claude-3-5-sonnet-20241022-v2:0', registry) // 'claude-sonnet'
 */
export function mapBedrockModelId(modelId: string, registry: Pick<ModelRegistry, 'resolve'>): string {
  const candidates = [modelId];
  const resourceId = BEDROCK_ARN.exec(modelId)?.[1];
  if (resourceId !== undefined) candidates.push(resourceId);
  const withoutGeography = GEO_PREFIX.exec(resourceId ?? modelId)?.[1];
  if (withoutGeography !== undefined) candidates.push(withoutGeography);
  for (const candidate of candidates) {
    const entry = registry.resolve(candidate);
    if (entry !== undefined) return entry.name;
  }
  return modelId;
}
