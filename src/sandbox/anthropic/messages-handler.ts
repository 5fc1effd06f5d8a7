import type { OutgoingHttpHeaders } from 'node:http';
import { resolvePacing, sendAfter, totalDurationMs, writeStream } from '../engine/pacing.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { readJsonBody, sendJsonWithFault } from '../openai/inference-route.js';
import { admitAnthropicCapacity } from './admit-anthropic-capacity.js';
import { createMessageId } from './anthropic-ids.js';
import type { AnthropicSandboxModel } from './anthropic-models.js';
import { type AnthropicCall, baseHeaders, statsProvider } from './anthropic-route.js';
import { chooseAnthropicFault, type WriterFault } from './choose-anthropic-fault.js';
import { generateMessage } from './generate-message.js';
import { buildMessageBody, buildMessageUsage, type MessageResult } from './message-body.js';
import { buildMessageStreamFrames, OVERLOADED_FRAME } from './message-stream-frames.js';
import {
  type MessagesRequestBody,
  messagesRequestSchema,
  vertexMessagesRequestSchema,
} from './messages-request-schema.js';
import { type ParsedMessagesRequest, parseMessagesRequest, validateBody } from './parse-messages-request.js';

export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

type Body = MessagesRequestBody | Omit<MessagesRequestBody, 'model'>;

/** The body and model of a call: the model from the body (API) or from the URL (Vertex). */
export function resolveMessagesBody(
  call: AnthropicCall,
  raw: unknown,
): { body: Body; model: AnthropicSandboxModel } {
  const { catalog } = call.state.options;
  if (call.surface === 'api') {
    const body = validateBody(messagesRequestSchema, raw);
    const model = catalog.find(body.model);
    if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: body.model });
    return { body, model };
  }
  const name = call.context.params['model'] ?? '';
  const model = catalog.findOnVertex(name);
  if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: name });
  const body = validateBody(vertexMessagesRequestSchema, raw);
  if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) {
    throw new SandboxError({ kind: 'api_version_unsupported', version: body.anthropic_version });
  }
  return { body, model };
}

/**
 * `POST /v1/messages` and Vertex's `:rawPredict` / `:streamRawPredict`: validate, inject faults,
 * admit against capacity, apply the prompt cache, generate, then write JSON or SSE at the model's pace.
 * @example router.add('POST', '/v1/messages', anthropicRoute(state, 'api', handleMessages));
 */
export async function handleMessages(call: AnthropicCall): Promise<void> {
  const { state } = call;
  const raw = await readJsonBody(call.context);
  const { body, model } = resolveMessagesBody(call, raw);
  call.model = model;
  const parsed = parseMessagesRequest(body, model, state.engine.options.contentFilter);
  const fault = chooseAnthropicFault(call, model.id);
  if (fault === 'handled') return;
  // A non-streamed answer has no "middle": the mid-stream overload becomes the plain 529.
  if (fault?.kind === 'overloaded-after' && !parsed.stream) throw new SandboxError({ kind: 'overloaded' });
  const { prompt } = parsed;
  // One organization per sandbox: the cache and the rate limits are per model, shared by every key.
  const scope = `${call.surface}|${model.id}`;
  const now = Date.now();
  const cachedRead = state.cache.peek(
    scope,
    prompt.checkpoints,
    prompt.breakpoints,
    model.minCacheableTokens,
    now,
  );
  const rateHeaders = admitAnthropicCapacity({
    limiter: state.engine.limiter,
    key: scope,
    limits: state.options.capacity.get(model.id) ?? {},
    inputTokens: prompt.tokens - cachedRead,
    maxTokens: parsed.maxTokens,
    model: model.id,
    organizationId: state.options.organizationId,
    surface: call.surface,
    requestId: call.requestId,
  });
  const cache = state.cache.apply(
    scope,
    prompt.checkpoints,
    prompt.breakpoints,
    model.minCacheableTokens,
    now,
  );
  const message = generateMessage(parsed.generation);
  const stats = state.engine.stats.target(statsProvider(call.surface), model.id);
  stats.requests++;
  stats.promptTokens += prompt.tokens;
  stats.completionTokens += message.outputTokens;
  stats.cachedTokens += cache.readTokens;
  const result: MessageResult = {
    id: createMessageId(),
    model: model.id,
    message,
    usage: buildMessageUsage(prompt.tokens, cache, message),
  };
  writeMessage(call, parsed, result, { ...baseHeaders(call), ...rateHeaders }, fault);
}

function writeMessage(
  call: AnthropicCall,
  parsed: ParsedMessagesRequest,
  result: MessageResult,
  headers: OutgoingHttpHeaders,
  fault: WriterFault | undefined,
): void {
  const { context, state } = call;
  const model = call.model as AnthropicSandboxModel;
  const pacing = resolvePacing(state.engine.options.latency, model, context.request.headers);
  if (!parsed.stream) {
    const json = JSON.stringify(buildMessageBody(result));
    const jsonFault = fault?.kind === 'overloaded-after' ? undefined : fault;
    sendAfter(context.response, totalDurationMs(pacing, result.message.outputTokens), () =>
      sendJsonWithFault(context, headers, json, jsonFault),
    );
    return;
  }
  const plan = buildMessageStreamFrames(result, getEncoder('o200k_base'));
  if (fault?.kind === 'cut-stream-after') plan.cutAfter = fault.chunks;
  if (fault?.kind === 'malformed') {
    plan.frames[plan.contentStart] =
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\n\n';
  }
  if (fault?.kind === 'overloaded-after') {
    // Never past the last content frame: the error must come before message_delta / message_stop.
    const kept = Math.min(plan.contentStart + fault.chunks, plan.contentEnd + 1);
    plan.frames = [...plan.frames.slice(0, kept), OVERLOADED_FRAME];
    plan.contentEnd = Math.min(plan.contentEnd, plan.frames.length - 1);
  }
  context.response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  writeStream(context.response, plan, pacing);
}
