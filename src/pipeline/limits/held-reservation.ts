import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage, type Usage } from '../../core/usage.js';
import { usdToMicros } from '../../limits/budget-periods.js';
import type { ActualUsage, LimitStore, Reservation } from '../../limits/limit-store.js';
import type { GatewayContext, GatewayOutput } from '../gateway-context.js';
import type { RequestEstimate } from './estimate-request.js';
import type { LeaseRenewer } from './lease-renewer.js';
import type { LimitPricing } from './limit-pricing.js';

export interface HeldReservationParts {
  store: LimitStore;
  renewer: LeaseRenewer;
  pricing: LimitPricing;
}

interface Failure {
  reason: unknown;
}

function succeeded(): undefined {
  return undefined;
}

function failed(reason: unknown): Failure {
  return { reason };
}

function isZero(usage: Usage): boolean {
  return usage.inputTokens === 0 && usage.outputTokens === 0;
}

/**
 * One exchange's reservation, ended exactly once whichever way the exchange ends — a result, an
 * error, a finished stream, a stream the client abandoned, or a shutdown. Ending it reconciles the
 * estimates with what was consumed and frees the concurrency slot.
 *
 * @example
 * const held = new HeldReservation({ store, renewer, pricing }, context, decision.reservation, estimate);
 * await held.endWithOutput(context.output); // or endStream() / endWithError(cancelled)
 */
export class HeldReservation {
  private ended: Promise<void> | undefined;
  private streamedCharacters = 0;
  private streamUsage: Usage | undefined;

  constructor(
    private readonly parts: HeldReservationParts,
    private readonly context: GatewayContext,
    readonly reservation: Reservation,
    private readonly estimate: RequestEstimate,
  ) {
    parts.renewer.hold(reservation);
  }

  /** Notes what a stream produced so far, for the reconciliation. */
  observe(part: StreamPart): void {
    if (part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-input-delta') {
      this.streamedCharacters += part.delta.length;
    } else if (part.type === 'finish') {
      this.streamUsage = part.usage;
    }
  }

  /** Ends with the usage of a result (chat or embeddings). */
  endWithOutput(output: Exclude<GatewayOutput, { type: 'stream' }>): Promise<void> {
    const usage =
      output.type === 'chat'
        ? output.result.usage
        : { ...emptyUsage(), inputTokens: output.result.usage.inputTokens };
    return this.end(this.actualOf(usage));
  }

  /** Ends a stream with the provider's usage, or an estimate from what was streamed when it never came. */
  endStream(): Promise<void> {
    const reported = this.streamUsage;
    if (reported !== undefined && !isZero(reported)) return this.end(this.actualOf(reported));
    const estimated = {
      ...emptyUsage(),
      inputTokens: this.estimate.promptTokens,
      outputTokens: Math.ceil(this.streamedCharacters / 4),
    };
    return this.end(this.actualOf(estimated));
  }

  /** Ends after a failure: nothing consumed, or — for a cancelled call — the estimate stands. */
  endWithError(cancelled: boolean): Promise<void> {
    return this.end(cancelled ? undefined : { tokens: 0, costMicros: 0 });
  }

  private actualOf(usage: Usage): ActualUsage {
    return {
      tokens: usage.inputTokens + usage.outputTokens,
      costMicros: usdToMicros(this.parts.pricing.costUsd(this.context, usage)),
    };
  }

  private end(actual: ActualUsage | undefined): Promise<void> {
    this.ended ??= this.settle(actual);
    return this.ended;
  }

  private async settle(actual: ActualUsage | undefined): Promise<void> {
    this.parts.renewer.drop(this.reservation);
    const { store } = this.parts;
    // Both run at once; each failure is caught as it happens and logged in this order afterwards.
    const released = store.release(this.reservation).then(succeeded, failed);
    const reconciled =
      actual === undefined ? undefined : store.reconcile(this.reservation, actual).then(succeeded, failed);
    // A failed release frees itself when the lease expires; a failed reconcile leaves the estimate.
    const releaseFailure = await released;
    if (releaseFailure !== undefined) this.warn(releaseFailure.reason);
    const reconcileFailure = await reconciled;
    if (reconcileFailure !== undefined) this.warn(reconcileFailure.reason);
  }

  private warn(reason: unknown): void {
    this.context.log.warn({ err: reason }, 'could not end a limit reservation');
  }
}

/**
 * Passes a stream through, ending the reservation (awaited) before the consumer sees the end — so a
 * client that reads the last byte finds its concurrency slot already free.
 *
 * @example context.output = { type: 'stream', stream: endReservationAfterStream(stream, held) };
 */
export async function* endReservationAfterStream(
  stream: AsyncIterable<StreamPart>,
  held: HeldReservation,
): AsyncGenerator<StreamPart> {
  try {
    for await (const part of stream) {
      held.observe(part);
      yield part;
    }
  } finally {
    await held.endStream();
  }
}
