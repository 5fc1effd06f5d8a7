import type { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import { generateToolCallId } from '../openai-compatible/generate-tool-call-id.js';
import { extractGeminiMetadata, finishReasonOf } from './convert-gemini-response.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiCandidate, GeminiPart, GeminiResponse } from './gemini-api-schemas.js';

/**
 * The state machine behind a streamed generateContent: chunks in, canonical parts out. Each chunk holds
 * only new parts (text deltas, never snapshots); a `functionCall` part arrives whole, so it becomes
 * tool-input start/delta/end and the tool call at once. `usageMetadata` is cumulative and repeated: the
 * last one wins, and a chunk without it keeps the previous. The last chunk carries `finishReason`.
 *
 * @example
 * const state = new GeminiStreamState({ warnings: [], modelId: 'gemini-2.5-flash' });
 * const parts = [...state.handleChunk(chunk), ...state.finish()];
 */
export class GeminiStreamState {
  private started = false;
  private blockCount = 0;
  private textId: string | undefined;
  private reasoningId: string | undefined;
  private reasoningSignature: string | undefined;
  private toolCalls = 0;
  private last: GeminiResponse = {};
  private lastCandidate: GeminiCandidate | undefined;
  private finished = false;

  constructor(private readonly options: { warnings: Warning[]; modelId: string }) {}

  /** A finish reason or a prompt block arrived: the answer is complete even if the body ends now. */
  get isComplete(): boolean {
    return this.finished;
  }

  handleChunk(chunk: GeminiResponse): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, chunk.modelVersion || undefined, chunk.responseId || undefined);
    this.last = {
      usageMetadata: chunk.usageMetadata ?? this.last.usageMetadata,
      promptFeedback: chunk.promptFeedback ?? this.last.promptFeedback,
    };
    // Only the first candidate is relayed: the canonical result has one.
    const candidate = chunk.candidates?.find((entry) => (entry.index ?? 0) === 0);
    if (candidate !== undefined) {
      this.lastCandidate = { ...this.lastCandidate, ...withoutNullish(candidate) };
      for (const part of candidate.content?.parts ?? []) this.handlePart(out, part);
      if (candidate.finishReason) this.finished = true;
    }
    if (chunk.promptFeedback?.blockReason) this.finished = true;
    return out;
  }

  /** The stream ended properly: close open blocks and report the finish. */
  finish(): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, undefined, undefined);
    this.closeText(out);
    this.closeReasoning(out);
    const metadata = extractGeminiMetadata(this.last, this.lastCandidate);
    out.push({
      type: 'finish',
      usage: convertGeminiUsage(this.last.usageMetadata),
      finishReason: finishReasonOf(this.last, this.lastCandidate, this.toolCalls > 0),
      ...(metadata === undefined ? {} : { providerMetadata: metadata }),
    });
    return out;
  }

  fail(error: GatewayError): StreamPart[] {
    const out: StreamPart[] = [];
    if (!this.started) this.start(out, undefined, undefined);
    out.push({ type: 'error', error });
    return out;
  }

  private start(out: StreamPart[], modelId: string | undefined, responseId: string | undefined): void {
    this.started = true;
    out.push({
      type: 'stream-start',
      warnings: this.options.warnings,
      modelId: modelId ?? this.options.modelId,
      ...(responseId === undefined ? {} : { responseId }),
    });
  }

  private handlePart(out: StreamPart[], part: GeminiPart): void {
    if (part.thought === true) {
      this.closeText(out);
      if (this.reasoningId === undefined) {
        this.reasoningId = this.nextBlockId('reasoning');
        out.push({ type: 'reasoning-start', id: this.reasoningId });
      }
      if (part.text) out.push({ type: 'reasoning-delta', id: this.reasoningId, delta: part.text });
      if (part.thoughtSignature) this.reasoningSignature = part.thoughtSignature;
      return;
    }
    if (part.thoughtSignature) {
      // Gemini signs the part that follows its thinking; carry the signature as an empty reasoning block.
      this.closeText(out);
      this.closeReasoning(out);
      const id = this.nextBlockId('reasoning');
      out.push(
        { type: 'reasoning-start', id },
        { type: 'reasoning-end', id, signature: part.thoughtSignature },
      );
    }
    if (part.functionCall) {
      this.closeText(out);
      this.closeReasoning(out);
      const id = part.functionCall.id || generateToolCallId();
      const toolName = part.functionCall.name ?? '';
      const input = JSON.stringify(part.functionCall.args ?? {});
      this.toolCalls++;
      out.push(
        { type: 'tool-input-start', id, toolName },
        { type: 'tool-input-delta', id, delta: input },
        { type: 'tool-input-end', id },
        { type: 'tool-call', toolCallId: id, toolName, input },
      );
    } else if (part.text) {
      this.closeReasoning(out);
      if (this.textId === undefined) {
        this.textId = this.nextBlockId('text');
        out.push({ type: 'text-start', id: this.textId });
      }
      out.push({ type: 'text-delta', id: this.textId, delta: part.text });
    }
  }

  private closeText(out: StreamPart[]): void {
    if (this.textId === undefined) return;
    out.push({ type: 'text-end', id: this.textId });
    this.textId = undefined;
  }

  private closeReasoning(out: StreamPart[]): void {
    if (this.reasoningId === undefined) return;
    const signature = this.reasoningSignature;
    out.push({
      type: 'reasoning-end',
      id: this.reasoningId,
      ...(signature === undefined ? {} : { signature }),
    });
    this.reasoningId = undefined;
    this.reasoningSignature = undefined;
  }

  private nextBlockId(kind: 'text' | 'reasoning'): string {
    return `${kind}-${this.blockCount++}`;
  }
}

function withoutNullish(candidate: GeminiCandidate): Partial<GeminiCandidate> {
  return Object.fromEntries(
    Object.entries(candidate).filter(([, value]) => value !== null && value !== undefined),
  );
}
