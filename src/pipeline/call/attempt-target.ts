import type { ChatResult } from '../../core/chat-result.js';
import type { EmbedResult } from '../../core/embed-request.js';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { ProviderCallOptions } from '../../providers/provider.js';
import type { GatewayContext } from '../gateway-context.js';
import type { Target } from '../route/model-registry.js';

export interface AttemptTimeouts {
  /** To the first streamed token, or to the whole response when not streaming; undefined = none. */
  firstTokenMs: number | undefined;
  /** To the last byte. */
  totalMs: number;
}

/** What an attempt produced: a result, or a stream whose first content part has already arrived. */
export type AttemptOutput =
  | { type: 'chat'; result: ChatResult }
  | { type: 'embed'; result: EmbedResult }
  | { type: 'stream'; head: StreamPart[]; rest: AsyncIterator<StreamPart> };

export interface Attempt {
  output: AttemptOutput;
  /** `performance.now()` when the attempt started and when its first token (or response) arrived. */
  startedAt: number;
  firstTokenAt: number;
  /** Aborted by the client, or by the total timeout while a stream is still running. */
  signal: AbortSignal;
  /** True once the total timeout fired (turns a mid-stream abort into an `upstream_timeout` part). */
  timedOut(): boolean;
}

/** Parts that mean the answer has begun: after one of them there is no silent failover. */
function isContentPart(part: StreamPart): boolean {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-call':
    case 'finish':
      return true;
    default:
      return false;
  }
}

/**
 * Reads a stream up to its first content part. Everything before it (stream-start, metadata, an
 * empty text-start) is kept to replay; an `error` part or a throw before it fails the attempt, so
 * the call stage can still move on to the next candidate.
 */
async function openStream(stream: AsyncIterable<StreamPart>): Promise<AttemptOutput> {
  const rest = stream[Symbol.asyncIterator]();
  const head: StreamPart[] = [];
  try {
    while (true) {
      const next = await rest.next();
      if (next.done === true) break;
      if (next.value.type === 'error') throw next.value.error;
      head.push(next.value);
      if (isContentPart(next.value)) break;
    }
  } catch (error: unknown) {
    await rest.return?.().catch(() => undefined);
    throw error;
  }
  return { type: 'stream', head, rest };
}

async function invoke(context: GatewayContext, target: Target, options: ProviderCallOptions) {
  const parsed = context.parsed;
  if (parsed === undefined) throw new Error('call stage ran before parse');
  if (parsed.operation === 'embed') {
    if (target.provider.embed === undefined) {
      throw new GatewayError(
        'invalid_request',
        `Provider ${target.provider.name} does not serve embeddings.`,
      );
    }
    return { type: 'embed', result: await target.provider.embed(parsed.request, options) } as const;
  }
  if (parsed.request.stream) return openStream(await target.provider.stream(parsed.request, options));
  return { type: 'chat', result: await target.provider.generate(parsed.request, options) } as const;
}

/**
 * One upstream attempt with its own timeouts: first token (or whole response) and total. A timeout
 * becomes a retryable `upstream_timeout`; a client abort stays an abort for the caller to handle.
 *
 * @example
 * const attempt = await attemptTarget(context, target, { firstTokenMs: 30_000, totalMs: 600_000 });
 */
export async function attemptTarget(
  context: GatewayContext,
  target: Target,
  timeouts: AttemptTimeouts,
): Promise<Attempt> {
  const startedAt = performance.now();
  const firstToken = new AbortController();
  const timer =
    timeouts.firstTokenMs === undefined
      ? undefined
      : setTimeout(() => firstToken.abort(), timeouts.firstTokenMs);
  const total = AbortSignal.timeout(timeouts.totalMs);
  const signal = AbortSignal.any([context.signal, total, firstToken.signal]);
  try {
    const output = await invoke(context, target, {
      modelId: target.modelId,
      signal,
      requestId: context.requestId,
      log: context.log,
    });
    return { output, startedAt, firstTokenAt: performance.now(), signal, timedOut: () => total.aborted };
  } catch (error: unknown) {
    if (context.signal.aborted) throw new GatewayError('cancelled', 'The client closed the request.');
    if (firstToken.signal.aborted || total.aborted) {
      const [kind, limit] = firstToken.signal.aborted
        ? ['a first token', timeouts.firstTokenMs]
        : ['a complete answer', timeouts.totalMs];
      throw new GatewayError(
        'upstream_timeout',
        `Deployment ${target.deployment} sent no ${kind} within ${limit} ms.`,
        {
          isRetryable: true,
          cause: error,
        },
      );
    }
    throw toGatewayError(error);
  } finally {
    clearTimeout(timer);
  }
}
