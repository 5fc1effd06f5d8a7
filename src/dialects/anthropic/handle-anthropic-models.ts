import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { Gateway } from '../../server/gateway.js';
import {
  authenticateModelsCaller,
  mayRetrieveModel,
  modelNotFound,
  visibleModelNames,
} from '../openai/handle-models-request.js';
import { readAnthropicCredential } from './read-anthropic-headers.js';
import { sendAnthropicErrorReply } from './write-error.js';

/** Models exist as long as the process: their `created_at` is when it started. */
const CREATED_AT = new Date().toISOString();
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

function modelObject(id: string) {
  return { type: 'model' as const, id, display_name: id, created_at: CREATED_AT };
}

/**
 * True for a request from an Anthropic client: `GET /v1/models` is shared with OpenAI's API, and
 * only Anthropic's clients send `anthropic-version`.
 */
export function isAnthropicModelsRequest(headers: IncomingHttpHeaders): boolean {
  return headers['anthropic-version'] !== undefined;
}

export interface AnthropicPageQuery {
  limit?: string;
  after_id?: string;
  before_id?: string;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new GatewayError('invalid_request', `limit: must be an integer from 1 to ${MAX_LIMIT}`, {
      param: 'limit',
    });
  }
  return limit;
}

/** Anthropic's cursor pages: `after_id` pages forward, `before_id` backward, `limit` items each. */
function pageOf(names: readonly string[], query: AnthropicPageQuery) {
  const limit = parseLimit(query.limit);
  let start = 0;
  let end = names.length;
  if (query.after_id !== undefined) start = names.indexOf(query.after_id) + 1;
  if (query.before_id !== undefined) {
    const before = names.indexOf(query.before_id);
    end = before === -1 ? names.length : before;
    start = Math.max(start, end - limit);
  }
  const data = names.slice(start, Math.min(end, start + limit)).map(modelObject);
  const hasMore = query.before_id !== undefined ? start > 0 : start + data.length < end;
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/**
 * `GET /v1/models` and `GET /v1/models/{model}` for Anthropic's SDK (`client.models.list()`,
 * `client.models.retrieve()`): the names and aliases the key may use, in Anthropic's shapes and
 * errors, with its cursor pagination. Authenticated, not metered.
 *
 * @example
 * if (isAnthropicModelsRequest(request.headers)) return handleAnthropicModelsRequest(gateway, request, reply);
 */
export async function handleAnthropicModelsRequest(
  gateway: Gateway,
  request: { headers: IncomingHttpHeaders; query: unknown },
  reply: FastifyReply,
  model?: string,
) {
  const requestId = randomUUID();
  try {
    const principal = await authenticateModelsCaller(gateway, readAnthropicCredential(request.headers));
    const names = visibleModelNames(gateway, principal);
    reply.header('request-id', requestId);
    if (model === undefined) {
      return reply.code(200).send(pageOf(names, (request.query ?? {}) as AnthropicPageQuery));
    }
    if (mayRetrieveModel(gateway, principal, model)) return reply.code(200).send(modelObject(model));
    throw modelNotFound(model, names);
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'listing models failed');
    return sendAnthropicErrorReply(reply, gatewayError, requestId);
  }
}
