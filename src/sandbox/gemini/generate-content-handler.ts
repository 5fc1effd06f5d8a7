import { generateChat } from '../engine/generate-chat.js';
import { generateProse } from '../engine/generate-text.js';
import { alphanumeric } from '../engine/ids.js';
import { resolvePacing, sendAfter, totalDurationMs, writeStream } from '../engine/pacing.js';
import { createPrng, mixSeeds } from '../engine/prng.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { readJsonBody, sendJsonWithFault } from '../openai/inference-route.js';
import { buildGenerateResponse, type GeminiAnswer } from './generate-content-body.js';
import { buildGeminiStreamPlan, malformedFrame, STREAM_CHUNK_TOKENS } from './generate-content-frames.js';
import { admitGoogleCapacity, applyGoogleFault, type GoogleCall, googleHeaders } from './google-call.js';
import { type ParsedGenerate, parseGenerateContent } from './parse-generate-content.js';

/**
 * `:generateContent` and `:streamGenerateContent` on both APIs: validate, inject faults, admit against
 * capacity, generate with the engine, apply safety markers and implicit caching, then write JSON, SSE
 * (`alt=sse`) or the streamed JSON array at the model's pace.
 */
export async function handleGenerateContent(call: GoogleCall): Promise<void> {
  const { context, engine, model } = call;
  const raw = await readJsonBody(context);
  if (model.kind !== 'chat')
    throw new SandboxError({ kind: 'wrong_operation', operation: 'chat', model: model.id });
  const parsed = parseGenerateContent(raw, model, engine.options.contentFilter);
  const fault = applyGoogleFault(call);
  if (fault === 'handled') return;
  const blockedPrompt = parsed.prompt.markers.blockPrompt;
  const choices = blockedPrompt === undefined ? generateChat(parsed.generation) : [];
  const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  admitGoogleCapacity(call, parsed.prompt.tokens + (parsed.requestedMaxTokens ?? completionTokens));
  const cachedTokens = implicitCacheHit(call, parsed);
  const stats = engine.stats.target(call.flavor, model.id);
  stats.requests++;
  stats.promptTokens += parsed.prompt.tokens;
  stats.completionTokens += completionTokens;
  stats.cachedTokens += cachedTokens;
  const answer: GeminiAnswer = {
    flavor: call.flavor,
    responseId: alphanumeric(22),
    modelVersion: model.version,
    createTime: new Date().toISOString(),
    choices,
    thoughtSummaries: choices.map((choice) =>
      parsed.includeThoughts && choice.reasoningTokens > 0 ? thoughtSummary(parsed, choice.index) : undefined,
    ),
    thoughtSignature: choices.some((choice) => choice.reasoningTokens > 0)
      ? Buffer.from(`sandbox-thought-signature:${parsed.generation.seed}`).toString('base64')
      : undefined,
    promptTokens: parsed.prompt.tokens,
    cachedTokens,
    blockedPrompt,
    blockedOutput: parsed.prompt.markers.blockOutput,
    trafficType: call.options.capacity[model.id]?.provisioned ? 'PROVISIONED_THROUGHPUT' : 'ON_DEMAND',
  };
  writeAnswer(call, answer, completionTokens, fault);
}

/**
 * Gemini 2.5's implicit cache: the longest previously seen prefix (per API key on the Gemini API, per
 * project on Vertex) counts as cached once the prompt reaches the model's minimum.
 */
function implicitCacheHit(call: GoogleCall, parsed: ParsedGenerate): number {
  const minimum = call.model.implicitCacheMinTokens;
  if (minimum === 0 || parsed.prompt.tokens < minimum) return 0;
  const owner = call.flavor === 'gemini' ? call.credential : call.resourcePrefix;
  const scope = `${call.flavor}|${owner}|${call.model.id}`;
  const cached = call.engine.prefixCache.lookupAndStore(scope, parsed.prompt.boundaries, Date.now());
  return cached >= minimum ? cached : 0;
}

function thoughtSummary(parsed: ParsedGenerate, index: number): string {
  const prng = createPrng(mixSeeds(parsed.generation.seed, 0x7468 + index));
  return `**Thinking it through**\n\n${generateProse(prng, prng.integer(12, 30), [])}`;
}

function writeAnswer(
  call: GoogleCall,
  answer: GeminiAnswer,
  completionTokens: number,
  fault: ReturnType<typeof applyGoogleFault>,
): void {
  const { context, engine, model } = call;
  const pacing = resolvePacing(engine.options.latency, model, context.request.headers);
  if (call.method === 'streamGenerateContent') {
    const sse = context.query.get('alt') === 'sse';
    const plan = buildGeminiStreamPlan(answer, getEncoder('o200k_base'), sse);
    if (fault !== undefined && fault !== 'handled' && fault.kind === 'cut-stream-after')
      plan.cutAfter = fault.chunks;
    if (fault !== undefined && fault !== 'handled' && fault.kind === 'malformed')
      plan.frames[0] = malformedFrame(sse);
    context.response.writeHead(200, {
      ...googleHeaders(context),
      'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8',
      'cache-control': 'no-cache',
    });
    // Frames carry several tokens each: pace frames, not tokens.
    const framePacing =
      pacing === undefined
        ? undefined
        : { ...pacing, tokensPerSecond: pacing.tokensPerSecond / STREAM_CHUNK_TOKENS };
    writeStream(context.response, plan, framePacing);
    return;
  }
  const json = JSON.stringify(buildGenerateResponse(answer));
  sendAfter(context.response, totalDurationMs(pacing, completionTokens), () => {
    sendJsonWithFault(context, googleHeaders(context), json, fault === 'handled' ? undefined : fault);
  });
}
