import { z } from 'zod';
import {
  DateTime,
  Id,
  listOf,
  Name,
  named,
  pageQueryFields,
  policyFields,
  policyOutputFields,
  Role,
} from './admin-schemas.js';

const Timestamp = DateTime;
const NullableTimestamp = DateTime.nullable();

// Teams

export const CreateTeamRequest = named('CreateTeamRequest', z.strictObject({ name: Name, ...policyFields }));
export const UpdateTeamRequest = named(
  'UpdateTeamRequest',
  z.strictObject({ name: Name.optional(), ...policyFields }),
  'Only the fields given change; `limits`, `budget` and `tags` are replaced whole.',
);
export const Team = named(
  'Team',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    ...policyOutputFields,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);
export const TeamList = listOf('TeamList', Team);
export const TeamListQuery = z.strictObject({ ...pageQueryFields });

// Users

const Email = z.email().max(320);
const DisplayName = z.string().trim().min(1).max(200).nullable();

export const CreateUserRequest = named(
  'CreateUserRequest',
  z.strictObject({
    email: Email,
    displayName: DisplayName.optional(),
    teamId: Id.nullable()
      .optional()
      .describe("Required unless role is admin; a team-admin's own team by default."),
    role: Role.default('member'),
  }),
);
export const UpdateUserRequest = named(
  'UpdateUserRequest',
  z.strictObject({
    displayName: DisplayName.optional(),
    teamId: Id.nullable().optional(),
    role: Role.optional(),
  }),
);
export const User = named(
  'User',
  z.strictObject({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    teamId: z.string().nullable(),
    role: Role,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);
export const UserList = listOf('UserList', User);
export const UserListQuery = z.strictObject({ teamId: Id.optional(), ...pageQueryFields });

// Keys

const ExpiresInDays = z.int().min(1).max(36_500);

export const CreateKeyRequest = named(
  'CreateKeyRequest',
  z
    .strictObject({
      name: Name,
      teamId: Id.nullable().optional().describe("A team-admin's own team by default."),
      userId: Id.nullable().optional(),
      role: Role.default('member'),
      expiresAt: DateTime.nullable()
        .optional()
        .describe('When the key stops working; null or absent = never.'),
      expiresInDays: ExpiresInDays.optional().describe('Alternative to `expiresAt`.'),
      allowRouteOverride: z.boolean().optional(),
      ...policyFields,
    })
    .refine((body) => body.expiresAt === undefined || body.expiresInDays === undefined, {
      message: 'give either expiresAt or expiresInDays, not both',
      path: ['expiresInDays'],
    }),
);
export const UpdateKeyRequest = named(
  'UpdateKeyRequest',
  z.strictObject({
    name: Name.optional(),
    role: Role.optional(),
    expiresAt: DateTime.nullable().optional(),
    allowRouteOverride: z.boolean().optional(),
    ...policyFields,
  }),
  'Only the fields given change; `limits`, `budget` and `tags` are replaced whole.',
);
export const RotateKeyRequest = named(
  'RotateKeyRequest',
  z.strictObject({
    overlapSeconds: z
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400)
      .describe('How long the old secret keeps working (0 = it stops now).'),
  }),
);

const KeyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the secret; safe to show.'),
  state: z.enum(['active', 'expired', 'revoked']),
  source: z.enum(['issued', 'config', 'dev']),
  teamId: z.string().nullable(),
  userId: z.string().nullable(),
  role: Role,
  allowRouteOverride: z.boolean(),
  ...policyOutputFields,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expiresAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
  replacedBy: z.string().nullable().describe('Set by a rotation: the id of the key that replaces this one.'),
};
export const Key = named('Key', z.strictObject(KeyFields));
export const CreatedKey = named(
  'CreatedKey',
  z.strictObject({ ...KeyFields, secret: z.string().describe('The secret, shown only in this response.') }),
);
export const RotatedKey = named(
  'RotatedKey',
  z.strictObject({
    key: CreatedKey.describe('The new key, with its secret (shown only here).'),
    previous: Key.describe('The old key; it stops working at its `expiresAt`.'),
  }),
);
export const KeyList = listOf('KeyList', Key);
export const KeyListQuery = z.strictObject({
  teamId: Id.optional(),
  userId: Id.optional(),
  state: z.enum(['active', 'expired', 'revoked']).optional(),
  ...pageQueryFields,
});

// AWS key pairs

export const AwsKeyPair = named(
  'AwsKeyPair',
  z.strictObject({
    accessKeyId: z.string(),
    keyId: z.string().describe('The virtual key the pair acts as.'),
    state: z.enum(['active', 'revoked']),
    createdAt: Timestamp,
    revokedAt: NullableTimestamp,
  }),
);
export const CreatedAwsKeyPair = named(
  'CreatedAwsKeyPair',
  z.strictObject({
    accessKeyId: z.string(),
    secretAccessKey: z.string().describe('Shown only in this response.'),
    keyId: z.string(),
    createdAt: Timestamp,
  }),
);
export const AwsKeyPairList = listOf('AwsKeyPairList', AwsKeyPair);
export const AwsKeyPairListQuery = z.strictObject({ keyId: Id.optional(), ...pageQueryFields });
export const AccessKeyIdParams = z.strictObject({ accessKeyId: z.string().min(1).max(100) });
