import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** Time to first token and steady streaming speed. */
export interface PacingProfile {
  ttftMs: number;
  tokensPerSecond: number;
}

export const TTFT_HEADER = 'x-sandbox-ttft-ms';
export const TOKENS_PER_SECOND_HEADER = 'x-sandbox-tokens-per-second';

function headerNumber(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * The pacing for one request: the model's profile in 'realistic' mode, none in 'zero' mode, and in
 * either mode the per-request test headers win (an explicit ask beats the default).
 * @returns undefined when everything should be written at once, without any timer.
 */
export function resolvePacing(
  latency: 'realistic' | 'zero',
  model: PacingProfile,
  headers: IncomingHttpHeaders,
): PacingProfile | undefined {
  const ttftMs = headerNumber(headers, TTFT_HEADER);
  const tokensPerSecond = headerNumber(headers, TOKENS_PER_SECOND_HEADER);
  if (latency === 'zero' && ttftMs === undefined && tokensPerSecond === undefined) return undefined;
  const base = latency === 'zero' ? { ttftMs: 0, tokensPerSecond: 0 } : model;
  const profile = { ttftMs: ttftMs ?? base.ttftMs, tokensPerSecond: tokensPerSecond ?? base.tokensPerSecond };
  return profile.ttftMs === 0 && profile.tokensPerSecond === 0 ? undefined : profile;
}

/** Total time a non-streamed answer of `tokens` tokens takes under `profile`. */
export function totalDurationMs(profile: PacingProfile | undefined, tokens: number): number {
  if (!profile) return 0;
  return profile.ttftMs + (profile.tokensPerSecond > 0 ? (tokens * 1000) / profile.tokensPerSecond : 0);
}

/**
 * Runs `send` after `delayMs`, or at once when the delay is 0 (no timer at all). If the client goes
 * away first the timer is cleared, so nothing outlives the connection.
 */
export function sendAfter(response: ServerResponse, delayMs: number, send: () => void): void {
  if (delayMs <= 0) {
    send();
    return;
  }
  const timer = setTimeout(send, delayMs);
  response.once('close', () => clearTimeout(timer));
}

/** Frames to write: [0, contentStart) at TTFT, content frames one per token, the rest right after. */
export interface StreamPlan {
  frames: string[];
  contentStart: number;
  contentEnd: number;
  /** Destroy the socket after this many content frames (fault `cut-stream-after:N`). */
  cutAfter?: number | undefined;
}

function destroyAfterFlush(response: ServerResponse, data: string): void {
  response.write(data, () => response.destroy());
}

/**
 * Writes a stream plan: all at once without pacing, otherwise TTFT then `tokensPerSecond`, catching up
 * when timers run late, waiting for 'drain' under backpressure and stopping when the client leaves.
 */
export function writeStream(
  response: ServerResponse,
  plan: StreamPlan,
  profile: PacingProfile | undefined,
): void {
  const last =
    plan.cutAfter === undefined
      ? plan.frames.length
      : Math.min(plan.frames.length, plan.contentStart + plan.cutAfter);
  const finish = (data: string): void => {
    if (plan.cutAfter === undefined) response.end(data);
    else destroyAfterFlush(response, data);
  };
  if (!profile) {
    finish(plan.frames.slice(0, last).join(''));
    return;
  }
  const perTokenMs = profile.tokensPerSecond > 0 ? 1000 / profile.tokensPerSecond : 0;
  const dueAt = (index: number): number => {
    const contentIndex = Math.min(
      Math.max(index, plan.contentStart),
      Math.max(plan.contentEnd - 1, plan.contentStart),
    );
    return profile.ttftMs + (contentIndex - plan.contentStart) * perTokenMs;
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
    let batch = '';
    while (next < last && dueAt(next) <= elapsed) batch += plan.frames[next++];
    if (next >= last) {
      finish(batch);
      return;
    }
    if (batch !== '' && !response.write(batch)) {
      response.once('drain', pump);
      return;
    }
    timer = setTimeout(pump, Math.max(1, dueAt(next) - elapsed));
  };
  response.flushHeaders();
  timer = setTimeout(pump, dueAt(0));
}
