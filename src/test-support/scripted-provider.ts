import type { ChatRequest } from '../core/chat-request.js';
import type { ChatResult } from '../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../core/embed-request.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import type { Provider, ProviderCallOptions } from '../providers/provider.js';

/**
 * What the next call answers:
 * - `result`: a non-stream ChatResult (missing fields get defaults);
 * - `stream`: these parts, then either end or `hang` until the call's signal aborts;
 * - `error`: thrown from `generate`/`stream`/`embed` before any output (e.g. an UpstreamError);
 * - `embed`: these vectors.
 */
export type ScriptedReply =
  | { type: 'result'; result: Partial<ChatResult> }
  | { type: 'stream'; parts: StreamPart[]; ending?: 'end' | 'hang' }
  | { type: 'error'; error: Error }
  | { type: 'embed'; embeddings: number[][]; inputTokens?: number };

export interface ScriptedCall {
  operation: 'generate' | 'stream' | 'embed';
  request: ChatRequest | EmbedRequest;
  options: ProviderCallOptions;
}

/** How one scripted stream ended: read to the end, closed early by its consumer, or aborted. */
export interface StreamOutcome {
  completed: boolean;
  /** The consumer called `return()` before the stream ended (the generator's `finally` ran early). */
  returnedEarly: boolean;
  aborted: boolean;
}

const MODEL_ID = 'scripted-model-2024-01-01';

function defaultStream(): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [], modelId: MODEL_ID },
    { type: 'text-start', id: 't1' },
    { type: 'text-delta', id: 't1', delta: 'Hello' },
    { type: 'text-delta', id: 't1', delta: ' world' },
    { type: 'text-end', id: 't1' },
    {
      type: 'finish',
      usage: { ...emptyUsage(), inputTokens: 5, outputTokens: 2 },
      finishReason: { unified: 'stop', raw: 'stop' },
    },
  ];
}

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * A test double of the upstream boundary: answers each call with the next scripted reply (or a
 * default) and records every request it received, so dialect tests can assert exactly what the
 * parser produced and exactly what the writer made of a given result or stream.
 *
 * @example
 * const provider = new ScriptedProvider('scripted', 'openai');
 * provider.enqueue({ type: 'result', result: { content: [{ type: 'text', text: 'Hi' }] } });
 */
export class ScriptedProvider implements Provider {
  readonly calls: ScriptedCall[] = [];
  readonly streamOutcomes: StreamOutcome[] = [];
  private readonly replies: ScriptedReply[] = [];
  private readonly outcomeListeners: Array<(outcome: StreamOutcome) => void> = [];

  constructor(
    readonly name: string,
    readonly type: string,
  ) {}

  enqueue(...replies: ScriptedReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  /** Forgets queued replies and recorded calls, e.g. between tests. */
  reset(): void {
    this.replies.length = 0;
    this.calls.length = 0;
    this.streamOutcomes.length = 0;
  }

  /** The request of the most recent call. */
  lastRequest<T extends ChatRequest | EmbedRequest = ChatRequest>(): T {
    const call = this.calls[this.calls.length - 1];
    if (call === undefined) throw new Error('the scripted provider was not called');
    return call.request as T;
  }

  /** Resolves with the outcome of the next stream that ends (call it before that happens). */
  nextStreamOutcome(): Promise<StreamOutcome> {
    return new Promise((resolve) => this.outcomeListeners.push(resolve));
  }

  private take(
    operation: ScriptedCall['operation'],
    request: ChatRequest | EmbedRequest,
    options: ProviderCallOptions,
  ) {
    this.calls.push({ operation, request, options });
    const reply = this.replies.shift();
    if (reply?.type === 'error') throw reply.error;
    return reply;
  }

  async generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    const reply = this.take('generate', request, options);
    if (reply !== undefined && reply.type !== 'result')
      throw new Error(`scripted ${reply.type} reply for generate()`);
    return {
      content: [{ type: 'text', text: 'Hello world' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { ...emptyUsage(), inputTokens: 5, outputTokens: 2 },
      warnings: [],
      modelId: MODEL_ID,
      ...reply?.result,
    };
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    const reply = this.take('stream', request, options);
    if (reply !== undefined && reply.type !== 'stream')
      throw new Error(`scripted ${reply.type} reply for stream()`);
    return this.play(reply?.parts ?? defaultStream(), reply?.ending ?? 'end', options.signal);
  }

  async embed(request: EmbedRequest, options: ProviderCallOptions): Promise<EmbedResult> {
    const reply = this.take('embed', request, options);
    if (reply !== undefined && reply.type !== 'embed')
      throw new Error(`scripted ${reply.type} reply for embed()`);
    const embeddings = reply?.embeddings ?? request.input.map((_, index) => [index, 0.5, -0.25]);
    return { embeddings, usage: { inputTokens: reply?.inputTokens ?? 3 }, modelId: MODEL_ID, warnings: [] };
  }

  private async *play(
    parts: StreamPart[],
    ending: 'end' | 'hang',
    signal: AbortSignal,
  ): AsyncGenerator<StreamPart> {
    const outcome: StreamOutcome = { completed: false, returnedEarly: true, aborted: false };
    try {
      for (const part of parts) yield part;
      if (ending === 'hang') await waitForAbort(signal);
      outcome.completed = true;
      outcome.returnedEarly = false;
    } catch (error: unknown) {
      outcome.returnedEarly = false;
      throw error;
    } finally {
      outcome.aborted = signal.aborted;
      this.streamOutcomes.push(outcome);
      for (const listener of this.outcomeListeners.splice(0)) listener(outcome);
    }
  }
}
