import { GatewayError } from '../core/gateway-error.js';
import { generateAwsKeyPair } from '../security/generate-aws-key-pair.js';
import type { SecretBox } from '../security/secret-box.js';
import { canSeeTeam, requireAssignableRole } from './admin-access.js';
import type { AdminContext } from './admin-context.js';
import { toAwsKeyPairJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { EmptyBody, IdParams, paginate } from './admin-schemas.js';
import { findManageableKey, requireActiveKey } from './find-visible-key.js';
import {
  AccessKeyIdParams,
  AwsKeyPair,
  AwsKeyPairList,
  AwsKeyPairListQuery,
  CreatedAwsKeyPair,
} from './resource-schemas.js';

function openBox(context: AdminContext): SecretBox {
  try {
    return context.openSecretBox();
  } catch (error: unknown) {
    context.log.error({ err: error }, 'admin: cannot open the secret box for AWS key pairs');
    throw new GatewayError(
      'internal_error',
      'AWS key pairs need the master key (CONVERGE_MASTER_KEY or <dataDir>/master.key); see docs/security.md.',
    );
  }
}

function pairNotFound(accessKeyId: string): GatewayError {
  return new GatewayError('not_found', `No AWS key pair with access key id \`${accessKeyId}\`.`, {
    param: 'accessKeyId',
  });
}

function createAwsKeyPairRoute(context: AdminContext) {
  const { awsKeyPairs } = context.storage;
  return defineAdminRoute({
    method: 'POST',
    path: '/keys/{id}/aws-key-pairs',
    operationId: 'createAwsKeyPair',
    summary: 'Issue an AWS access key pair acting as this key (the secret is in this response only)',
    tag: 'AWS key pairs',
    params: IdParams,
    body: EmptyBody,
    status: 201,
    response: CreatedAwsKeyPair,
    errors: [404],
    handle: async ({ caller, params }) => {
      const key = await findManageableKey(context, caller, params.id);
      requireActiveKey(key, context.now(), 'given AWS key pairs');
      const box = openBox(context);
      const pair = generateAwsKeyPair();
      const sealedSecret = box.seal(pair.secretAccessKey, pair.accessKeyId);
      const record = await awsKeyPairs.insert({
        accessKeyId: pair.accessKeyId,
        keyId: key.id,
        sealedSecret,
      });
      await context.changed(caller, 'aws-key-pair.create', `${record.accessKeyId} for ${key.id}`);
      return {
        accessKeyId: record.accessKeyId,
        secretAccessKey: pair.secretAccessKey,
        keyId: record.keyId,
        createdAt: new Date(record.createdAt).toISOString(),
      };
    },
  });
}

function listAwsKeyPairsRoute(context: AdminContext) {
  const { awsKeyPairs, keys } = context.storage;
  return defineAdminRoute({
    method: 'GET',
    path: '/aws-key-pairs',
    operationId: 'listAwsKeyPairs',
    summary: 'List AWS key pairs (a team-admin sees those of its team’s keys)',
    tag: 'AWS key pairs',
    query: AwsKeyPairListQuery,
    response: AwsKeyPairList,
    handle: async ({ caller, query }) => {
      const teamOf = new Map((await keys.list()).map((key) => [key.id, key.teamId]));
      const visible = (await awsKeyPairs.list()).filter(
        (pair) =>
          (query.keyId === undefined || pair.keyId === query.keyId) &&
          teamOf.has(pair.keyId) &&
          canSeeTeam(caller, teamOf.get(pair.keyId) ?? null),
      );
      return paginate(visible.map(toAwsKeyPairJson), query);
    },
  });
}

function revokeAwsKeyPairRoute(context: AdminContext) {
  const { awsKeyPairs, keys } = context.storage;
  return defineAdminRoute({
    method: 'POST',
    path: '/aws-key-pairs/{accessKeyId}/revoke',
    operationId: 'revokeAwsKeyPair',
    summary: 'Revoke an AWS key pair (its virtual key keeps working)',
    tag: 'AWS key pairs',
    params: AccessKeyIdParams,
    body: EmptyBody,
    response: AwsKeyPair,
    errors: [404],
    handle: async ({ caller, params }) => {
      const pair = await awsKeyPairs.findByAccessKeyId(params.accessKeyId);
      const key = pair === undefined ? undefined : await keys.findById(pair.keyId);
      if (pair === undefined || key === undefined || !canSeeTeam(caller, key.teamId)) {
        throw pairNotFound(params.accessKeyId);
      }
      requireAssignableRole(caller, key.role);
      if (pair.revokedAt !== null) return toAwsKeyPairJson(pair);
      const now = context.now();
      await awsKeyPairs.revoke(pair.accessKeyId, now);
      await context.changed(caller, 'aws-key-pair.revoke', pair.accessKeyId);
      return toAwsKeyPairJson(
        (await awsKeyPairs.findByAccessKeyId(pair.accessKeyId)) ?? { ...pair, revokedAt: now },
      );
    },
  });
}

/**
 * AWS key pairs (SigV4 credentials that act as a virtual key, for Bedrock clients): issue one for a
 * key (the secret access key is in that response only; it is stored sealed with the master key),
 * list them, revoke one.
 *
 * @example
 * const routes = createAwsKeyPairsRoutes(context);
 */
export function createAwsKeyPairsRoutes(context: AdminContext): AnyAdminRoute[] {
  return [createAwsKeyPairRoute(context), listAwsKeyPairsRoute(context), revokeAwsKeyPairRoute(context)];
}
