import type { OutgoingHttpHeaders } from 'node:http';
import { type PacingProfile, resolvePacing, totalDurationMs } from '../engine/pacing.js';
import { BedrockError, throttlingError } from './bedrock-error.js';
import type { CacheUsage } from './bedrock-prompt-cache.js';
import { admitBedrockCapacity, type BedrockCall, bedrockHeaders, statsOf } from './bedrock-route.js';
import type { WriterFault } from './choose-bedrock-fault.js';
import {
  type BedrockPrompt,
  type BedrockReply,
  generateBedrockReply,
  generateGuardrailReply,
} from './generate-bedrock-reply.js';

export interface ModelRun {
  reply: BedrockReply;
  /** Undefined when the request had no cache point or the model has no prompt caching. */
  cache: CacheUsage | undefined;
  pacing: PacingProfile | undefined;
  /** Request arrival to last token, as `metrics.latencyMs` and the invocation-latency header report it. */
  latencyMs: number;
}

/**
 * The part every Bedrock operation shares once its body is read: generate (or let the guardrail answer),
 * admit against capacity (charging input + requested maxTokens, as the service does), apply the prompt
 * cache, count stats, and work out the pacing and the latency to report.
 */
export function runBedrockModel(
  call: BedrockCall,
  prompt: BedrockPrompt,
  guardrailIntervenes: boolean,
): ModelRun {
  const { model } = call.target;
  const encoder = prompt.accumulator.encoder;
  const reply = guardrailIntervenes ? generateGuardrailReply(encoder) : generateBedrockReply(prompt);
  admitBedrockCapacity(call, prompt.accumulator.tokens + (prompt.maxTokens ?? reply.outputTokens));
  const points = prompt.accumulator.cachePoints;
  const cache =
    model.cacheMinTokens === undefined || points.length === 0
      ? undefined
      : call.state.cache.apply(call.target.cacheScope, points, model.cacheMinTokens, Date.now());
  const stats = statsOf(call);
  stats.requests++;
  stats.promptTokens += prompt.accumulator.tokens;
  stats.completionTokens += reply.outputTokens;
  stats.cachedTokens += cache?.readTokens ?? 0;
  const pacing = resolvePacing(call.state.engine.options.latency, model, call.context.request.headers);
  const elapsed = performance.now() - call.context.startedAt;
  return {
    reply,
    cache,
    pacing,
    latencyMs: Math.round(elapsed + totalDurationMs(pacing, reply.outputTokens)),
  };
}

/**
 * A non-streamed answer has no middle: an in-stream fault becomes the matching HTTP error instead
 * (the model failing → 424 ModelErrorException, throttling → 429).
 */
export function nonStreamFault(
  fault: WriterFault | undefined,
): { kind: 'malformed' } | { kind: 'cut-stream-after'; chunks: number } | undefined {
  if (fault?.kind !== 'in-stream') return fault;
  if (fault.exception === 'throttlingException') throw throttlingError();
  throw new BedrockError(
    424,
    'ModelErrorException',
    'The model returned the following errors: the model stopped responding.',
  );
}

/** Starts a 200 event stream with the service's headers. */
export function startEventStream(call: BedrockCall, extra: OutgoingHttpHeaders = {}): void {
  call.context.response.writeHead(200, {
    ...bedrockHeaders(call.requestId),
    ...extra,
    'content-type': 'application/vnd.amazon.eventstream',
  });
}
