import type { ChatRequest } from '../../../src/core/chat-request.js';
import type { ChatResult } from '../../../src/core/chat-result.js';
import type { StreamPart } from '../../../src/core/stream-part.js';
import { emptyUsage, type Usage } from '../../../src/core/usage.js';
import type { Provider, ProviderCallOptions } from '../../../src/providers/provider.js';

/** A call held at its gate: `open()` lets it finish; `aborted` settles if the call was cut. */
export interface HeldCall {
  open(): void;
  aborted: Promise<void>;
}

/**
 * A provider whose streams can be held open until the test lets them finish, so a test controls
 * exactly when an exchange ends. Every answer reports `usage`.
 */
export class GatedProvider implements Provider {
  readonly type = 'openai';
  calls = 0;
  /** When true, streams stop after their first text delta until opened. */
  holdStreams = false;
  /** When true, non-stream calls wait at the gate before answering. */
  holdResults = false;
  /** Thrown by the next call, before any output (e.g. an UpstreamError). */
  failNext: Error | undefined;
  /** When set, streams end with this error part instead of finishing. */
  streamError: StreamPart | undefined;
  usage: Usage = { ...emptyUsage(), inputTokens: 5, outputTokens: 2 };
  private readonly heldWaiters: Array<(held: HeldCall) => void> = [];
  private readonly held: HeldCall[] = [];

  constructor(readonly name: string) {}

  async generate(_request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    this.calls++;
    this.throwIfFailing();
    if (this.holdResults) await this.waitAtGate(options.signal);
    return {
      content: [{ type: 'text', text: 'Hello world' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: this.usage,
      warnings: [],
      modelId: 'gated-model',
    };
  }

  async stream(_request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    this.calls++;
    this.throwIfFailing();
    return this.play(options.signal);
  }

  private throwIfFailing(): void {
    const error = this.failNext;
    this.failNext = undefined;
    if (error !== undefined) throw error;
  }

  /** Resolves with the next call that reaches its gate (already waiting, or still to come). */
  nextHeldCall(): Promise<HeldCall> {
    const waiting = this.held.shift();
    if (waiting !== undefined) return Promise.resolve(waiting);
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  private async *play(signal: AbortSignal): AsyncGenerator<StreamPart> {
    yield { type: 'stream-start', warnings: [], modelId: 'gated-model' };
    yield { type: 'text-start', id: 't' };
    yield { type: 'text-delta', id: 't', delta: 'Hello' };
    if (this.holdStreams) await this.waitAtGate(signal);
    yield { type: 'text-delta', id: 't', delta: ' world' };
    if (this.streamError !== undefined) {
      yield this.streamError;
      return;
    }
    yield { type: 'text-end', id: 't' };
    yield { type: 'finish', usage: this.usage, finishReason: { unified: 'stop', raw: 'stop' } };
  }

  private waitAtGate(signal: AbortSignal): Promise<void> {
    let markAborted: () => void = () => {};
    const aborted = new Promise<void>((resolve) => {
      markAborted = resolve;
    });
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        markAborted();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const held: HeldCall = {
        open: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        aborted,
      };
      const waiter = this.heldWaiters.shift();
      if (waiter !== undefined) waiter(held);
      else this.held.push(held);
    });
  }
}
