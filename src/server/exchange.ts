import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import { formatWarningsHeader } from '../core/warning.js';
import type { DialectWriter, RawResponse } from '../dialects/dialect-writer.js';
import type { DialectId, GatewayContext, ParsedRequest, Principal } from '../pipeline/gateway-context.js';
import { parseRouteHints } from '../routing/route-hints.js';
import type { Gateway } from './gateway.js';

export interface ExchangeSpec {
  dialect: DialectId;
  credential: string | undefined;
  /** Authenticates the request itself (e.g. a SigV4 signature) instead of the `credential` lookup. */
  authenticate?: () => Promise<Principal>;
  modelHint?: string;
  parseBody: () => ParsedRequest;
  writer: DialectWriter;
}

function setCommonHeaders(response: RawResponse, context: GatewayContext): void {
  if (response.headersSent) return;
  response.setHeader('x-converge-request-id', context.requestId);
  if (context.attempts.length > 0) response.setHeader('x-converge-attempts', String(context.attempts.length));
  const target = context.target;
  if (target !== undefined) {
    response.setHeader(
      'x-converge-target',
      `${target.provider.name}/${target.deployment}/${target.processing}`,
    );
  }
  if (context.spillover !== undefined) response.setHeader('x-converge-spillover', context.spillover);
  // Set by accounting for results only: a stream's cost is known after its headers left (usage row only).
  if (context.cost != null) response.setHeader('x-converge-cost-usd', context.cost.usd);
  if (context.warnings.length > 0)
    response.setHeader('x-converge-warnings', formatWarningsHeader(context.warnings));
  for (const [name, value] of Object.entries(context.responseHeaders ?? {})) response.setHeader(name, value);
}

/**
 * The stream again with its first part (pulled before the headers went out, so warnings announced at
 * stream start reach the header) put back in front. A plain iterator rather than a generator: after
 * the first part every `next()` is the source's own, with no extra promise hop per part.
 */
function withFirst(
  first: IteratorResult<StreamPart>,
  rest: AsyncIterator<StreamPart>,
): AsyncIterable<StreamPart> {
  let pending: IteratorResult<StreamPart> | undefined = first;
  const iterator: AsyncIterator<StreamPart> = {
    next: () => {
      if (pending === undefined) return rest.next();
      const result = pending;
      pending = undefined;
      return Promise.resolve(result);
    },
    return: async (value?: unknown) => {
      pending = undefined;
      await rest.return?.();
      return { done: true, value: value as undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function writeOutput(
  response: RawResponse,
  context: GatewayContext,
  writer: DialectWriter,
): Promise<void> {
  const output = context.output;
  if (output === undefined) throw new Error('the pipeline produced no output');
  if (output.type === 'stream') {
    const iterator = output.stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    setCommonHeaders(response, context);
    await writer.writeStream(response, context, withFirst(first, iterator));
    return;
  }
  setCommonHeaders(response, context);
  if (output.type === 'chat') writer.writeChatResult(response, context, output.result);
  else writer.writeEmbedResult(response, context, output.result);
}

function writeFailure(
  response: RawResponse,
  context: GatewayContext,
  writer: DialectWriter,
  error: GatewayError,
) {
  context.error ??= error;
  if (response.headersSent) {
    // Bytes already reached the client: the only honest signal left is to cut the connection.
    response.destroy();
    return;
  }
  setCommonHeaders(response, context);
  if (error.retryAfterMs !== undefined) {
    response.setHeader('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    response.setHeader('retry-after-ms', String(Math.round(error.retryAfterMs)));
  }
  writer.writeError(response, error, context);
}

/**
 * Runs one request end to end: builds the context, runs the pipeline, writes the output or the
 * error in the caller's dialect, and records the usage row when the response closes — finished,
 * failed or abandoned by the client.
 */
export async function runExchange(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: ExchangeSpec,
): Promise<void> {
  const startTime = performance.now();
  reply.hijack();
  const response = reply.raw;
  const controller = new AbortController();
  const context: GatewayContext = {
    requestId: randomUUID(),
    receivedAt: Date.now(),
    startTime,
    dialect: spec.dialect,
    credential: spec.credential,
    authenticate: spec.authenticate,
    signal: controller.signal,
    log: gateway.log,
    parseBody: spec.parseBody,
    modelHint: spec.modelHint,
    routeHints: parseRouteHints(request.headers),
    attempts: [],
    warnings: [],
    usage: emptyUsage(),
    upstreamMs: 0,
    usageEstimated: false,
    completed: false,
  };
  const release = gateway.track(controller);
  response.once('close', () => {
    const clientAborted = !response.writableFinished;
    if (clientAborted) controller.abort();
    release();
    gateway.finishExchange(context, { httpStatus: response.statusCode, clientAborted });
  });
  try {
    const shed = gateway.shedReason();
    if (shed !== undefined) {
      throw new GatewayError(
        'overloaded',
        shed === 'inflight'
          ? 'The gateway is at its concurrent request limit. Retry shortly.'
          : 'The gateway is overloaded. Retry shortly.',
        { isRetryable: true, retryAfterMs: 1000 },
      );
    }
    await gateway.pipeline(context);
    await writeOutput(response, context, spec.writer);
  } catch (error: unknown) {
    writeFailure(response, context, spec.writer, toGatewayError(error));
  }
}
