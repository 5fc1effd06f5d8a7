import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SigV4Request } from '../../aws/verify-sigv4.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import { authenticateSigV4 } from '../../pipeline/auth/authenticate-sigv4.js';
import type { ParsedRequest } from '../../pipeline/gateway-context.js';
import { type ExchangeSpec, runExchange } from '../../server/exchange.js';
import type { Gateway } from '../../server/gateway.js';
import { parseJsonBody } from '../openai/parse-json-body.js';
import { readBearerToken } from '../openai/read-bearer-token.js';
import { type BedrockOperation, createBedrockWriter, isStreamOperation } from './create-bedrock-writer.js';
import { decodeModelIdSegment, mapBedrockModelId } from './map-model-id.js';
import { parseConverseRequest } from './parse-converse-request.js';
import { parseInvokeRequest } from './parse-invoke-request.js';

const SIGV4 = /^\s*AWS4-HMAC-SHA256\s/;

export interface BedrockRoute {
  operation: BedrockOperation;
  /** The `{modelId}` path segment, still percent-encoded. */
  modelSegment: string;
  /** The raw path and query, for signature verification. */
  path: string;
  query: string;
}

function bodyBytes(request: FastifyRequest): Buffer {
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : '');
}

/**
 * How the caller authenticates: a SigV4 signature by a gateway-issued AWS key pair (what the AWS
 * SDKs send by default), or `Authorization: Bearer <virtual key>` (the SDKs' Bedrock API key mode,
 * `AWS_BEARER_TOKEN_BEDROCK`).
 */
function authFor(gateway: Gateway, request: FastifyRequest, route: BedrockRoute, body: Buffer) {
  const authorization = request.headers.authorization;
  if (authorization === undefined || !SIGV4.test(authorization)) {
    return { credential: readBearerToken(request.headers) };
  }
  const signed: SigV4Request = {
    method: request.raw.method ?? request.method,
    path: route.path,
    query: route.query,
    headers: request.raw.headers,
    body,
  };
  return {
    credential: undefined,
    authenticate: () => authenticateSigV4(signed, gateway.keys, { service: 'bedrock' }),
  };
}

/**
 * Runs one Bedrock Runtime call through the pipeline: authentication (SigV4 or Bearer) in the auth
 * stage, then the body — Converse JSON or the Anthropic Messages body of InvokeModel — parsed
 * lazily by the parse stage, with the model id from the URL mapped to a Converge model name.
 *
 * @example
 * scope.post('/*', (request, reply) => runBedrockExchange(gateway, request, reply, route));
 */
export function runBedrockExchange(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  route: BedrockRoute,
): Promise<void> {
  const body = bodyBytes(request);
  const parseWarnings: Warning[] = [];
  let modelId: string | undefined;
  let modelError: GatewayError | undefined;
  try {
    modelId = decodeModelIdSegment(route.modelSegment);
  } catch (error: unknown) {
    modelError = error as GatewayError;
  }
  const stream = isStreamOperation(route.operation);
  const isConverse = route.operation === 'converse' || route.operation === 'converse-stream';
  const spec: ExchangeSpec = {
    dialect: 'bedrock',
    ...authFor(gateway, request, route, body),
    modelHint: modelId ?? route.modelSegment,
    parseBody(): ParsedRequest {
      if (modelError !== undefined || modelId === undefined) throw modelError;
      const json = parseJsonBody(body.toString('utf8'));
      const options = { model: mapBedrockModelId(modelId, gateway.registry), stream };
      const parsed = isConverse ? parseConverseRequest(json, options) : parseInvokeRequest(json, options);
      parseWarnings.push(...parsed.warnings);
      return { operation: 'chat', request: parsed.request };
    },
    writer: createBedrockWriter(route.operation, parseWarnings),
  };
  return runExchange(gateway, request, reply, spec);
}
