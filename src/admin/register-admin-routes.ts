import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.js';
import { toFrameworkError } from '../dialects/openai/register-scope-fallbacks.js';
import { createAdminAuthenticator } from './admin-auth.js';
import { type AdminContext, type AdminDeps, createAdminContext } from './admin-context.js';
import { sendAdminError } from './admin-errors.js';
import { toTeamJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute, registerAdminRoute, toFastifyPath } from './admin-route.js';
import { named, Role } from './admin-schemas.js';
import { createAwsKeyPairsRoutes } from './aws-key-pairs-routes.js';
import { createKeyLifecycleRoutes } from './key-lifecycle-routes.js';
import { createKeysRoutes } from './keys-routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { Team } from './resource-schemas.js';
import { createTeamsRoutes } from './teams-routes.js';
import { createUsageRoutes } from './usage-routes.js';
import { createUsersRoutes } from './users-routes.js';

export type { AdminDeps } from './admin-context.js';

/** Where the admin API lives. */
export const ADMIN_PREFIX = '/admin/v1';

const Me = named(
  'Me',
  z.strictObject({
    via: z.enum(['master-key', 'virtual-key']),
    role: Role,
    teamId: z.string().nullable(),
    keyId: z.string().nullable(),
    keyName: z.string().nullable(),
    team: Team.nullable().describe("A team-admin's team."),
  }),
);

function createMeRoute(context: AdminContext): AnyAdminRoute {
  return defineAdminRoute({
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    summary: 'Who the presented key is: master key or virtual key, role and team',
    tag: 'Meta',
    response: Me,
    handle: async ({ caller }) => {
      const team = caller.teamId === null ? undefined : await context.storage.teams.findById(caller.teamId);
      return { ...caller, team: team === undefined ? null : toTeamJson(team) };
    },
  });
}

/** Every admin route, in the order the OpenAPI document lists them. */
export function createAdminRoutes(context: AdminContext): AnyAdminRoute[] {
  return [
    createMeRoute(context),
    ...createTeamsRoutes(context),
    ...createUsersRoutes(context),
    ...createKeysRoutes(context),
    ...createKeyLifecycleRoutes(context),
    ...createAwsKeyPairsRoutes(context),
    ...createUsageRoutes(context),
  ];
}

/** 405 for a known path with another method, 404 otherwise, in the admin error shape. */
function registerFallbacks(scope: FastifyInstance, routes: readonly AnyAdminRoute[], deps: AdminDeps): void {
  const shapes = routes.map((route) => ({
    pattern: new RegExp(`^${ADMIN_PREFIX}${toFastifyPath(route.path).replace(/:[^/]+/g, '[^/]+')}/?$`),
    method: route.method,
  }));
  scope.setErrorHandler((error: unknown, _request, reply) => {
    const gatewayError = toFrameworkError(error, scope.initialConfig.bodyLimit ?? 0);
    if (gatewayError.status >= 500) deps.log.error({ err: error }, 'admin request failed');
    if (reply.sent) return;
    return sendAdminError(reply, gatewayError);
  });
  scope.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const methods = shapes.filter((shape) => shape.pattern.test(path)).map((shape) => shape.method);
    if (methods.length > 0) {
      reply.header('allow', methods.join(', '));
      const message = `${request.method} is not allowed on ${path}; use ${methods.join(' or ')}.`;
      return sendAdminError(reply, new GatewayError('method_not_allowed', message));
    }
    return sendAdminError(
      reply,
      new GatewayError('not_found', `Unknown admin URL: ${request.method} ${path}.`),
    );
  });
}

/**
 * Registers the admin API under `/admin/v1`: teams, users, virtual keys (secrets shown once,
 * rotation with overlap), AWS key pairs and usage, plus `GET /admin/v1/openapi.json` generated from
 * the same zod schemas the routes validate with. JSON in, JSON out, errors as
 * `{ error: { message, type, code, param, issues? } }`.
 *
 * @example
 * registerAdminRoutes(app, {
 *   storage, masterKey: process.env.CONVERGE_ADMIN_KEY, log,
 *   authenticate: (secret) => keys.resolve(secret), onChange: () => keys.invalidate(),
 *   openSecretBox: () => createSecretBox(loadMasterKey({ dataDir, create: true })),
 * });
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const context = createAdminContext(deps);
  const routes = createAdminRoutes(context);
  const authenticateCaller = createAdminAuthenticator(deps);
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.register(
    async (scope) => {
      // Bodies arrive as text and are parsed here, so bad JSON gets the admin error shape.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      registerFallbacks(scope, routes, deps);
      scope.get('/openapi.json', { exposeHeadRoute: false }, async () => {
        document ??= buildOpenApiDocument(routes, ADMIN_PREFIX);
        return document;
      });
      for (const route of routes) registerAdminRoute(scope, route, authenticateCaller);
    },
    { prefix: ADMIN_PREFIX },
  );
}
