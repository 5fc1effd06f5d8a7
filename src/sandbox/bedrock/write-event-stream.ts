import type { ServerResponse } from 'node:http';
import { encodeEvent, encodeEventStreamMessage } from '../../aws/event-stream.js';
import type { PacingProfile } from '../engine/pacing.js';
import { INTERNAL_SERVER_MESSAGE, TOO_MANY_TOKENS_MESSAGE } from './bedrock-error.js';
import type { WriterFault } from './choose-bedrock-fault.js';

/** Binary event-stream frames: [0, contentStart) at TTFT, one content frame per token, the rest right after. */
export interface EventStreamPlan {
  frames: Uint8Array[];
  contentStart: number;
  contentEnd: number;
  /** Destroy the connection after this many content frames (fault `cut-stream-after:N`). */
  cutAfter?: number | undefined;
}

const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
let paddingCounter = 0;

/**
 * One event with the `p` padding member real Bedrock streams carry (a prefix of the alphabet, of
 * varying length, so payload sizes do not reveal token lengths); SDKs drop it.
 */
export function encodePaddedEvent(eventType: string, payload: Record<string, unknown>): Uint8Array {
  paddingCounter = (paddingCounter + 7) % PADDING_ALPHABET.length;
  return encodeEvent(eventType, { ...payload, p: PADDING_ALPHABET.slice(0, paddingCounter + 1) });
}

function encodeExceptionFrame(exception: string, body: Record<string, unknown>): Uint8Array {
  return encodeEventStreamMessage({
    headers: {
      ':exception-type': exception,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    body: Buffer.from(JSON.stringify(body)),
  });
}

/**
 * Spoils a plan as a writer fault asks: an exception frame after N deltas instead of the rest, a frame
 * whose CRC is wrong, or a cut after N content frames.
 */
export function applyStreamFault(plan: EventStreamPlan, fault: WriterFault | undefined): EventStreamPlan {
  if (fault === undefined) return plan;
  if (fault.kind === 'cut-stream-after') return { ...plan, cutAfter: fault.chunks };
  if (fault.kind === 'malformed') {
    const frames = [...plan.frames];
    const target = frames[plan.contentStart] ?? frames[0];
    if (target !== undefined) {
      const corrupt = Uint8Array.from(target);
      corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff;
      frames[frames.indexOf(target)] = corrupt;
    }
    return { ...plan, frames };
  }
  const kept = Math.min(plan.contentEnd, plan.contentStart + fault.afterDeltas);
  const exception =
    fault.exception === 'modelStreamErrorException'
      ? encodeExceptionFrame(fault.exception, {
          message: 'Received a model stream error from the model: the model stopped responding.',
          originalStatusCode: 500,
          originalMessage: INTERNAL_SERVER_MESSAGE,
        })
      : encodeExceptionFrame(fault.exception, { message: TOO_MANY_TOKENS_MESSAGE });
  return {
    frames: [...plan.frames.slice(0, kept), exception],
    contentStart: plan.contentStart,
    contentEnd: kept + 1,
  };
}

/**
 * Writes an event-stream plan: all at once without pacing, otherwise TTFT then `tokensPerSecond`,
 * catching up when timers run late, waiting for 'drain' under backpressure and stopping (timer
 * cleared) when the client leaves. The binary twin of the engine's `writeStream`.
 */
export function writeEventStream(
  response: ServerResponse,
  plan: EventStreamPlan,
  profile: PacingProfile | undefined,
): void {
  const last =
    plan.cutAfter === undefined
      ? plan.frames.length
      : Math.min(plan.frames.length, plan.contentStart + plan.cutAfter);
  const finish = (data: Buffer): void => {
    if (plan.cutAfter === undefined) response.end(data);
    else response.write(data, () => response.destroy());
  };
  if (!profile) {
    finish(Buffer.concat(plan.frames.slice(0, last)));
    return;
  }
  const perTokenMs = profile.tokensPerSecond > 0 ? 1000 / profile.tokensPerSecond : 0;
  const dueAt = (index: number): number => {
    const content = Math.min(
      Math.max(index, plan.contentStart),
      Math.max(plan.contentEnd - 1, plan.contentStart),
    );
    return profile.ttftMs + (content - plan.contentStart) * perTokenMs;
  };
  const startedAt = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  response.once('close', () => {
    closed = true;
    if (timer) clearTimeout(timer);
  });
  const pump = (): void => {
    timer = undefined;
    if (closed) return;
    const elapsed = performance.now() - startedAt;
    const batch: Uint8Array[] = [];
    while (next < last && dueAt(next) <= elapsed) batch.push(plan.frames[next++] as Uint8Array);
    if (next >= last) {
      finish(Buffer.concat(batch));
      return;
    }
    if (batch.length > 0 && !response.write(Buffer.concat(batch))) {
      response.once('drain', pump);
      return;
    }
    timer = setTimeout(pump, Math.max(1, dueAt(next) - elapsed));
  };
  response.flushHeaders();
  timer = setTimeout(pump, dueAt(0));
}
