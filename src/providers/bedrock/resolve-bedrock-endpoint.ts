import type { ProviderConfig } from '../../config/schema.js';

export type BedrockConfig = Extract<ProviderConfig, { type: 'bedrock' }>;
export type BedrockPartition = BedrockConfig['partition'];

/**
 * DNS suffix and region pattern per partition, as in the AWS SDK's partition table
 * (`@aws-sdk/core` util-endpoints `partitions.js`): the European Sovereign Cloud (`aws-eusc`,
 * first region `eusc-de-east-1`) answers under `amazonaws.eu`. The region patterns are slightly
 * looser than the SDK's so a new region does not need a release.
 */
const PARTITIONS: Record<BedrockPartition, { dnsSuffix: string; regionPattern: RegExp }> = {
  aws: { dnsSuffix: 'amazonaws.com', regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
  'aws-us-gov': { dnsSuffix: 'amazonaws.com', regionPattern: /^us-gov-\w+-\d+$/ },
  'aws-cn': { dnsSuffix: 'amazonaws.com.cn', regionPattern: /^cn-\w+-\d+$/ },
  'aws-eusc': { dnsSuffix: 'amazonaws.eu', regionPattern: /^eusc-\w+-\w+-\d+$/ },
};

/**
 * The Bedrock Runtime origin for an account: `config.endpoint` when set (VPC endpoint, FIPS, a
 * sandbox), else `https://bedrock-runtime.{region}.{dnsSuffix}`. A region outside its partition is a
 * config error, caught at start rather than as a DNS failure on the first call.
 *
 * @example
 * resolveBedrockEndpoint('bedrock-cn', { type: 'bedrock', region: 'cn-north-1', partition: 'aws-cn', credentials });
 * // 'https://bedrock-runtime.cn-north-1.amazonaws.com.cn'
 */
export function resolveBedrockEndpoint(
  name: string,
  config: Pick<BedrockConfig, 'region' | 'partition' | 'endpoint'>,
): string {
  if (config.endpoint !== undefined) return config.endpoint.replace(/\/+$/, '');
  const partition = PARTITIONS[config.partition];
  if (!partition.regionPattern.test(config.region)) {
    throw new Error(
      `providers.${name}.region: "${config.region}" is not a region of partition ${config.partition}` +
        ' (set partition, or endpoint to override)',
    );
  }
  return `https://bedrock-runtime.${config.region}.${partition.dnsSuffix}`;
}

export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke';

/**
 * The URL of one model operation. The model id is one path label, fully percent-encoded as the AWS
 * SDKs do (`:` → `%3A`, and the `/` of an ARN → `%2F`), plus `!'()*`, which `encodeURIComponent`
 * leaves alone but the SDKs escape.
 *
 * @example
 * bedrockModelUrl(endpoint, 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'converse');
 * // '…/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse'
 */
export function bedrockModelUrl(endpoint: string, modelId: string, operation: BedrockOperation): string {
  return `${endpoint}/model/${encodeModelId(modelId)}/${operation}`;
}

function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
