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

const ONCE = { once: true } as const;

/**
 * One controller per attempt, aborted by the client, the first-token timeout or the total timeout —
 * plain timers and one listener, which cost a fraction of `AbortSignal.timeout` + `AbortSignal.any`
 * on the hot path. `release()` (idempotent) clears them; a client abort releases too. The signal is
 * its own abort listener and its timers get it as their argument, so an attempt allocates no
 * closures beyond the two it hands out (`release`, `timedOut`).
 */
class AttemptSignal {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  firstTokenFired = false;
  totalFired = false;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly firstTokenTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clientSignal: AbortSignal,
    timeouts: AttemptTimeouts,
  ) {
    this.totalTimer = setTimeout(onTotalTimeout, timeouts.totalMs, this);
    this.totalTimer.unref();
    this.firstTokenTimer =
      timeouts.firstTokenMs === undefined
        ? undefined
        : setTimeout(onFirstTokenTimeout, timeouts.firstTokenMs, this);
    if (clientSignal.aborted) this.handleEvent();
    else clientSignal.addEventListener('abort', this, ONCE);
  }

  /** The client's `abort` event. */
  handleEvent(): void {
    this.release();
    this.controller.abort(this.clientSignal.reason);
  }

  readonly release = (): void => {
    clearTimeout(this.firstTokenTimer);
    clearTimeout(this.totalTimer);
    this.clientSignal.removeEventListener('abort', this);
  };

  readonly timedOut = (): boolean => this.totalFired;

  stopFirstTokenTimer(): void {
    clearTimeout(this.firstTokenTimer);
  }

  abort(): void {
    this.controller.abort();
  }
}

function onTotalTimeout(attempt: AttemptSignal): void {
  attempt.totalFired = true;
  attempt.release();
  attempt.abort();
}

function onFirstTokenTimeout(attempt: AttemptSignal): void {
  attempt.firstTokenFired = true;
  attempt.abort();
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
  const attempt = new AttemptSignal(context.signal, timeouts);
  const signal = attempt.signal;
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
      timedOut: attempt.timedOut,
      release: attempt.release,
    };
  } catch (error: unknown) {
    attempt.release();
    if (context.signal.aborted) throw new GatewayError('cancelled', 'The client closed the request.');
    if (attempt.firstTokenFired || attempt.totalFired) {
      const [kind, limit] = attempt.firstTokenFired
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
