import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { GatewayError } from '../core/gateway-error.js';
import { formatParamPath } from '../dialects/openai/format-validation-error.js';

/** One failed check of a validated body, query or path: where (`limits.rpm`) and what. */
export interface AdminIssue {
  path: string;
  message: string;
}

/** The admin API's error body: OpenAI's shape, plus every validation issue when there are several. */
export interface AdminErrorBody {
  error: { message: string; type: string; code: string; param: string | null; issues?: AdminIssue[] };
}

/** The `type` of an admin error, from its status (the stable `code` is what clients should match). */
export function adminErrorType(error: GatewayError): string {
  if (error.status === 401) return 'authentication_error';
  if (error.status === 403) return 'permission_error';
  if (error.status === 404) return 'not_found_error';
  if (error.status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The admin error body for a GatewayError; `details.issues` (validation) are copied through.
 *
 * @example
 * adminErrorBody(new GatewayError('not_found', 'No team with id `team_x`.', { param: 'id' }));
 * // { error: { message: 'No team with id `team_x`.', type: 'not_found_error', code: 'not_found', param: 'id' } }
 */
export function adminErrorBody(error: GatewayError): AdminErrorBody {
  const body: AdminErrorBody = {
    error: {
      message: error.message,
      type: adminErrorType(error),
      code: error.code,
      param: error.param ?? null,
    },
  };
  const issues = error.details?.['issues'];
  if (Array.isArray(issues)) body.error.issues = issues as AdminIssue[];
  return body;
}

/** Sends a GatewayError as the admin error body, with the stable code in `x-converge-error-code`. */
export function sendAdminError(reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).header('x-converge-error-code', error.code).send(adminErrorBody(error));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  // A query parameter coerced to a number arrives as NaN when it is not one.
  if (typeof value === 'number' && Number.isNaN(value)) return 'something that is not a number';
  return `a ${typeof value}`;
}

/** A message naming the field; values are described by type only, never echoed (they may be secrets). */
function describeIssue(issue: z.core.$ZodIssue, path: string): string {
  const where = path === '' ? 'request body' : `'${path}'`;
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `Missing required field ${where}.`;
    return `Invalid type for ${where}: expected ${issue.expected}, got ${describeValue(issue.input)}.`;
  }
  return `Invalid ${where}: ${issue.message}.`;
}

/**
 * A 400 `invalid_request` for a failed zod parse: `param` is the dotted path of the first bad field
 * (`budget.usdPerDay`), `details.issues` lists every issue; unknown fields are reported by their own
 * path (zod reports them on the parent object).
 *
 * @example
 * const parsed = schema.safeParse(body, { reportInput: true });
 * if (!parsed.success) throw toAdminValidationError(parsed.error);
 */
export function toAdminValidationError(error: z.ZodError): GatewayError {
  const issues = error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') {
      const path = formatParamPath(issue.path);
      return [{ path, message: describeIssue(issue, path) }];
    }
    return issue.keys.map((key) => {
      const path = formatParamPath([...issue.path, key]);
      return { path, message: `Unknown field '${path}'.` };
    });
  });
  const first = issues[0];
  if (first === undefined) return new GatewayError('invalid_request', 'The request is invalid.');
  // No `cause`: the zod error holds the input, which may carry secrets or personal data.
  return new GatewayError('invalid_request', first.message, {
    ...(first.path === '' ? {} : { param: first.path }),
    details: { issues },
  });
}
