import type { CapacityLimits } from '../engine/capacity-limiter.js';
import { BedrockError, validationError } from './bedrock-error.js';
import type { BedrockModel } from './bedrock-models.js';
import type { ResolvedBedrockOptions } from './bedrock-sandbox-options.js';

/** The model a request runs on, under the name its capacity and stats are kept. */
export interface BedrockTarget {
  /** As the caller addressed it: model id, inference-profile id or provisioned-model name. */
  name: string;
  model: BedrockModel;
  capacity: CapacityLimits;
  limiterKey: string;
  /** Prompt-cache scope: a model's cache is per account, shared by every way of addressing it. */
  cacheScope: string;
}

const MODEL_ID = /^[A-Za-z0-9._:/-]{1,2048}$/;
const ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]{1,20}):(\d{12})?:([a-z-]+)\/(.+)$/;

export const MODEL_NOT_FOUND_MESSAGE =
  'Could not resolve the foundation model from the provided model identifier.';

function notFound(): BedrockError {
  return new BedrockError(404, 'ResourceNotFoundException', MODEL_NOT_FOUND_MESSAGE);
}

function onDemand(
  name: string,
  model: BedrockModel | undefined,
  options: ResolvedBedrockOptions,
): BedrockTarget {
  if (model === undefined) throw notFound();
  return {
    name,
    model,
    capacity: options.capacity[name] ?? {},
    limiterKey: `bedrock|${name}`,
    cacheScope: `bedrock|${model.id}`,
  };
}

function fromArn(arn: RegExpExecArray, options: ResolvedBedrockOptions): BedrockTarget {
  const [, region, , resourceType, resource = ''] = arn;
  if (region !== options.region) throw notFound();
  switch (resourceType) {
    case 'foundation-model':
      return onDemand(resource, options.models[resource], options);
    case 'inference-profile': {
      const modelId = options.profiles[resource];
      return onDemand(resource, modelId === undefined ? undefined : options.models[modelId], options);
    }
    case 'provisioned-model': {
      const provisioned = options.provisioned[resource];
      const model = provisioned === undefined ? undefined : options.models[provisioned.model];
      if (provisioned === undefined || model === undefined || arn[0] !== provisioned.arn) throw notFound();
      return {
        name: resource,
        model,
        capacity: provisioned.capacity,
        limiterKey: `bedrock|provisioned|${resource}`,
        cacheScope: `bedrock|${model.id}`,
      };
    }
    default:
      throw notFound();
  }
}

/**
 * Resolves the `{modelId}` path label (already percent-decoded): a foundation-model id, a `us.`/`eu.`
 * inference-profile id, or a foundation-model, inference-profile or provisioned-model ARN.
 * Malformed → 400 ValidationException; well-formed but unknown → 404 ResourceNotFoundException.
 * @example resolveBedrockTarget('us.anthropic.claude-3-5-haiku-20241022-v1:0', options).model.id
 */
export function resolveBedrockTarget(modelId: string, options: ResolvedBedrockOptions): BedrockTarget {
  if (!MODEL_ID.test(modelId)) throw validationError('The provided model identifier is invalid.');
  const arn = ARN.exec(modelId);
  if (arn) return fromArn(arn, options);
  if (modelId.startsWith('arn:')) throw validationError('The provided model identifier is invalid.');
  const profileModel = options.profiles[modelId];
  return onDemand(modelId, options.models[profileModel ?? modelId], options);
}
