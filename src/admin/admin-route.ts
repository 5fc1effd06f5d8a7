import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.js';
import { safeParseJson } from '../core/safe-parse-json.js';
import type { AdminCaller } from './admin-auth.js';
import { toAdminValidationError } from './admin-errors.js';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const NoParameters = z.strictObject({});
type NoParameters = typeof NoParameters;

/**
 * One admin endpoint, described once: the server validates with these schemas and the OpenAPI
 * document is generated from them.
 */
export interface AdminRoute<
  Params extends z.ZodType = NoParameters,
  Query extends z.ZodType = NoParameters,
  Body extends z.ZodType = NoParameters,
> {
  method: AdminMethod;
  /** OpenAPI form, relative to `/admin/v1`: `/keys/{id}/rotate`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: Params;
  query?: Query;
  /** Without one the route takes no body; unknown fields in a sent body are still refused. */
  body?: Body;
  /** Whether a request must carry a body (false for bodies whose fields all have defaults). */
  bodyRequired?: boolean;
  /** The success status: 200 (default), 201, or 204 (no body). */
  status?: 200 | 201 | 204;
  /** The success body's schema (omit for 204). */
  response?: z.ZodType;
  /** Statuses this route can fail with besides 401/403 (every route) and 400 (every validated route). */
  errors?: readonly number[];
  handle(input: {
    caller: AdminCaller;
    params: z.output<Params>;
    query: z.output<Query>;
    body: z.output<Body>;
  }): Promise<unknown>;
}

/** Any route, for lists of them. */
// biome-ignore lint/suspicious/noExplicitAny: a list mixes routes whose schema types differ.
export type AnyAdminRoute = AdminRoute<any, any, any>;

/**
 * Declares a route with its schemas, inferring the handler's input types from them.
 *
 * @example
 * defineAdminRoute({
 *   method: 'GET', path: '/teams/{id}', operationId: 'getTeam', summary: 'Get a team', tag: 'Teams',
 *   params: IdParams, response: Team, handle: async ({ params }) => findTeam(params.id),
 * });
 */
export function defineAdminRoute<
  Params extends z.ZodType = NoParameters,
  Query extends z.ZodType = NoParameters,
  Body extends z.ZodType = NoParameters,
>(route: AdminRoute<Params, Query, Body>): AdminRoute<Params, Query, Body> {
  return route;
}

/** `/keys/{id}/rotate` → `/keys/:id/rotate`. */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  // `reportInput` lets messages say what type was received; the input itself is never sent back.
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw toAdminValidationError(parsed.error);
  return parsed.data;
}

/** The request body as JSON: an absent or blank body is `{}` (so defaults apply). */
function readJsonBody(raw: unknown): unknown {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return {};
  const parsed = safeParseJson(raw);
  if (!parsed.success) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${parsed.error.message}`);
  }
  return parsed.value;
}

/**
 * Registers one route on a scope: authenticate (401/403), validate path, query and body (400),
 * then run the handler and send its result with the route's status.
 */
export function registerAdminRoute(
  scope: FastifyInstance,
  route: AnyAdminRoute,
  authenticateCaller: (headers: IncomingHttpHeaders) => Promise<AdminCaller>,
): void {
  scope.route({
    method: route.method,
    url: toFastifyPath(route.path),
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const caller = await authenticateCaller(request.headers);
      const params = validate(route.params ?? NoParameters, request.params ?? {});
      const query = validate(route.query ?? NoParameters, request.query ?? {});
      const body = validate(route.body ?? NoParameters, readJsonBody(request.body));
      const result = await route.handle({ caller, params, query, body });
      const status = route.status ?? 200;
      reply.code(status).header('cache-control', 'no-store');
      return status === 204 ? reply.send() : reply.send(result);
    },
  });
}
