import type { OutgoingHttpHeaders } from 'node:http';
import type { Fault } from '../engine/faults.js';
import { generateChat } from '../engine/generate-chat.js';
import { createCompletionId, createFingerprint } from '../engine/ids.js';
import { resolvePacing, sendAfter, totalDurationMs, writeStream } from '../engine/pacing.js';
import { hashString } from '../engine/prng.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { buildChatCompletion, buildChatUsage, type ChatResult } from './chat-completion-body.js';
import { buildChatStreamFrames } from './chat-stream-frames.js';
import {
  admitCapacity,
  applyFault,
  type InferenceCall,
  readJsonBody,
  sendJsonWithFault,
} from './inference-route.js';
import type { InferenceTarget } from './inference-surface.js';
import { type ParsedChatRequest, parseChatRequest } from './parse-chat-request.js';

function modelField(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
}

/**
 * `POST …/chat/completions` for every OpenAI-family surface: validate, inject faults, apply content
 * filter markers, admit against capacity, generate, then write JSON or SSE at the model's pace.
 */
export async function handleChatCompletions(call: InferenceCall): Promise<void> {
  const { context, surface, engine } = call;
  const body = await readJsonBody(context);
  const target = surface.resolveTarget(context, modelField(body), call.key);
  call.target = target;
  if (target.model.kind !== 'chat')
    throw new SandboxError({ kind: 'wrong_operation', operation: 'chat', model: target.model.id });
  const parsed = parseChatRequest(body, target.model, engine.options.contentFilter);
  const fault = applyFault(call, target);
  if (fault === 'handled') return;
  if (surface.contentFilter) {
    if (parsed.markers.blockPrompt)
      throw new SandboxError({ kind: 'content_filter', category: parsed.markers.blockPrompt });
    parsed.generation.filterOutput = parsed.markers.blockOutput !== undefined;
  }
  const choices = generateChat(parsed.generation);
  const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  // Azure and OpenAI both charge the *requested* maximum against TPM at admission time.
  const decision = admitCapacity(
    call,
    target,
    parsed.promptTokens + (parsed.requestedMaxTokens ?? completionTokens),
  );
  const cachedTokens = engine.prefixCache.lookupAndStore(
    target.cacheScope,
    parsed.cacheBoundaries,
    Date.now(),
  );
  const stats = engine.stats.target(surface.provider, target.name);
  stats.requests++;
  stats.promptTokens += parsed.promptTokens;
  stats.completionTokens += completionTokens;
  stats.cachedTokens += cachedTokens;
  const result: ChatResult = {
    id: createCompletionId(),
    created: Math.floor(Date.now() / 1000),
    model: target.model.snapshot,
    fingerprint: createFingerprint(hashString(target.model.snapshot)),
    choices,
    usage: buildChatUsage(parsed.promptTokens, cachedTokens, choices),
  };
  const headers = { ...surface.rateLimitHeaders(target, decision) };
  const response = context.response;
  response.once('close', () => {
    if (!response.writableFinished) stats.abandoned++;
  });
  writeChatResult(call, target, parsed, result, headers, fault);
}

function writeChatResult(
  call: InferenceCall,
  target: InferenceTarget,
  parsed: ParsedChatRequest,
  result: ChatResult,
  rateHeaders: OutgoingHttpHeaders,
  fault: Fault | undefined,
): void {
  const { context, surface, engine } = call;
  const decoration = surface.decoration(parsed.markers);
  const pacing = resolvePacing(engine.options.latency, target.model, context.request.headers);
  if (parsed.stream) {
    const plan = buildChatStreamFrames(
      result,
      decoration,
      getEncoder(target.model.encoding),
      parsed.includeUsage,
    );
    if (fault?.kind === 'cut-stream-after') plan.cutAfter = fault.chunks;
    if (fault?.kind === 'malformed')
      plan.frames[plan.contentStart] =
        `data: {"id":"${result.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`;
    const headers = { ...surface.baseHeaders(context, target), ...rateHeaders };
    context.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    writeStream(context.response, plan, pacing);
    return;
  }
  const json = JSON.stringify(buildChatCompletion(result, decoration));
  sendAfter(context.response, totalDurationMs(pacing, result.usage.completion_tokens), () => {
    const headers = { ...surface.baseHeaders(context, target), ...rateHeaders };
    sendJsonWithFault(context, headers, json, fault);
  });
}
