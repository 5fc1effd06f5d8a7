import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Usage } from '../../core/usage.js';

/** What the call stage learns when a delivered stream ends. */
export interface StreamOutcomeHandlers {
  /** The stream finished; `usage` is the provider's final report. */
  finished(usage: Usage): void;
  /** The upstream failed after the answer began (no failover possible any more). */
  failed(error: GatewayError): void;
  /** The consumer stopped reading (client gone). */
  abandoned(): void;
}

/**
 * Replays the parts read while opening the stream, then passes the rest through unchanged, telling
 * the call stage how it ended (for breakers, capacity and latency). A mid-stream abort caused by the
 * attempt's total timeout becomes an `upstream_timeout` error part, so the dialect writes its own
 * in-stream error instead of cutting the connection.
 */
export async function* trackStream(
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  timedOut: () => boolean,
  handlers: StreamOutcomeHandlers,
  /** Frees the attempt's timers once the stream is over. */
  release: () => void = () => {},
): AsyncGenerator<StreamPart> {
  let ended = false;
  const end = (report: () => void) => {
    if (ended) return;
    ended = true;
    report();
  };
  try {
    for (const part of head) {
      if (part.type === 'finish') end(() => handlers.finished(part.usage));
      yield part;
    }
    while (true) {
      const next = await rest.next();
      if (next.done === true) break;
      const part = next.value;
      if (part.type === 'finish') end(() => handlers.finished(part.usage));
      else if (part.type === 'error') end(() => handlers.failed(part.error));
      yield part;
    }
  } catch (error: unknown) {
    if (!timedOut()) {
      end(() => handlers.failed(toGatewayError(error)));
      throw error;
    }
    const timeout = new GatewayError('upstream_timeout', 'The upstream did not finish the stream in time.', {
      isRetryable: true,
      cause: error,
    });
    end(() => handlers.failed(timeout));
    yield { type: 'error', error: timeout };
  } finally {
    release();
    end(() => handlers.abandoned());
    await rest.return?.();
  }
}
