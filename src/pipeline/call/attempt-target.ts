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
  /** Stops the attempt's timers and listeners; call when its stream ends (results release themselves). */
  release(): void;
}

/**
 * One controller per attempt, aborted by the client, the first-token timeout or the total timeout —
 * plain timers and one listener, which cost a fraction of `AbortSignal.timeout` + `AbortSignal.any`
 * on the hot path. `release()` (idempotent) clears them; a client abort releases too.
 */
function createAttemptSignal(clientSignal: AbortSignal, timeouts: AttemptTimeouts) {
  const controller = new AbortController();
  const state = { firstToken: false, total: false };
  let firstTokenTimer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(firstTokenTimer);
    clearTimeout(totalTimer);
    clientSignal.removeEventListener('abort', onClientAbort);
  };
  const onClientAbort = () => {
    release();
    controller.abort(clientSignal.reason);
  };
  const totalTimer = setTimeout(() => {
    state.total = true;
    release();
    controller.abort();
  }, timeouts.totalMs);
  totalTimer.unref();
  if (timeouts.firstTokenMs !== undefined) {
    firstTokenTimer = setTimeout(() => {
      state.firstToken = true;
      controller.abort();
    }, timeouts.firstTokenMs);
  }
  if (clientSignal.aborted) onClientAbort();
  else clientSignal.addEventListener('abort', onClientAbort, { once: true });
  return {
    signal: controller.signal,
    state,
    release,
    stopFirstTokenTimer: () => clearTimeout(firstTokenTimer),
  };
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
  const attempt = createAttemptSignal(context.signal, timeouts);
  const { signal, state } = attempt;
  try {
    const output = await invoke(context, target, {
      modelId: target.modelId,
      signal,
      requestId: context.requestId,
      log: context.log,
    });
    if (output.type !== 'stream') attempt.release();
    return {
      output,
      startedAt,
      firstTokenAt: performance.now(),
      signal,
      timedOut: () => state.total,
      release: attempt.release,
    };
  } catch (error: unknown) {
    attempt.release();
    if (context.signal.aborted) throw new GatewayError('cancelled', 'The client closed the request.');
    if (state.firstToken || state.total) {
      const [kind, limit] = state.firstToken
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
    attempt.stopFirstTokenTimer();
  }
}
