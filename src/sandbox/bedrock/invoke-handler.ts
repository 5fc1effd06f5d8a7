import type { OutgoingHttpHeaders } from 'node:http';
import { sendAfter, totalDurationMs } from '../engine/pacing.js';
import { sendJsonWithFault } from '../openai/inference-route.js';
import {
  type AnthropicOutcome,
  buildAnthropicMessage,
  buildAnthropicStreamPlan,
} from './anthropic-invoke-response.js';
import { validationError } from './bedrock-error.js';
import { type BedrockCall, bedrockHeaders, parseJsonObject } from './bedrock-route.js';
import { chooseBedrockFault } from './choose-bedrock-fault.js';
import type { GuardrailConfigBody } from './converse-request-schema.js';
import { buildGuardrailTrace } from './converse-response.js';
import { readAnthropicInvoke } from './read-anthropic-invoke.js';
import { nonStreamFault, runBedrockModel, startEventStream } from './run-bedrock-model.js';
import { handleTitanEmbed } from './titan-embed-handler.js';
import { applyStreamFault, writeEventStream } from './write-event-stream.js';

function header(call: BedrockCall, name: string): string | undefined {
  const value = call.context.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** InvokeModel's guardrail is chosen by headers rather than by the body. */
function guardrailOf(call: BedrockCall): GuardrailConfigBody | undefined {
  const guardrailIdentifier = header(call, 'x-amzn-bedrock-guardrailidentifier');
  const guardrailVersion = header(call, 'x-amzn-bedrock-guardrailversion');
  if (guardrailIdentifier === undefined || guardrailVersion === undefined) return undefined;
  const trace = header(call, 'x-amzn-bedrock-trace')?.toLowerCase();
  return {
    guardrailIdentifier,
    guardrailVersion,
    trace: trace === 'enabled' || trace === 'enabled_full' ? trace : 'disabled',
  };
}

function tokenHeaders(outcome: AnthropicOutcome): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-amzn-bedrock-input-token-count': String(
      outcome.promptTokens - (outcome.cache?.readTokens ?? 0) - (outcome.cache?.writeTokens ?? 0),
    ),
    'x-amzn-bedrock-output-token-count': String(outcome.reply.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(outcome.latencyMs),
  };
  if (outcome.cache) {
    headers['x-amzn-bedrock-cache-read-input-token-count'] = String(outcome.cache.readTokens);
    headers['x-amzn-bedrock-cache-write-input-token-count'] = String(outcome.cache.writeTokens);
  }
  return headers;
}

function invokeAnthropic(call: BedrockCall, raw: unknown, stream: boolean): void {
  const { model } = call.target;
  const marker = call.state.options.guardrailMarker;
  const { prompt } = readAnthropicInvoke(raw, model, marker);
  const fault = chooseBedrockFault(call);
  if (fault === 'handled') return;
  const jsonFault = stream ? undefined : nonStreamFault(fault);
  const guardrail = guardrailOf(call);
  const intervened = guardrail !== undefined && prompt.guardrailMarkerSeen;
  const run = runBedrockModel(call, prompt, intervened);
  const outcome: AnthropicOutcome = {
    reply: run.reply,
    model: model.snapshot,
    promptTokens: prompt.accumulator.tokens,
    cache: run.cache,
    latencyMs: run.latencyMs,
    firstByteLatencyMs: Math.round(
      run.latencyMs - totalDurationMs(run.pacing, run.reply.outputTokens) + (run.pacing?.ttftMs ?? 0),
    ),
    guardrail: guardrail && {
      intervened,
      trace: intervened ? buildGuardrailTrace(guardrail, marker, prompt.lastUserText.length) : undefined,
    },
  };
  if (stream) {
    startEventStream(call, { 'x-amzn-bedrock-content-type': 'application/json' });
    writeEventStream(
      call.context.response,
      applyStreamFault(buildAnthropicStreamPlan(outcome), fault),
      run.pacing,
    );
    return;
  }
  const json = JSON.stringify(buildAnthropicMessage(outcome));
  sendAfter(call.context.response, totalDurationMs(run.pacing, run.reply.outputTokens), () => {
    sendJsonWithFault(
      call.context,
      { ...bedrockHeaders(call.requestId), ...tokenHeaders(outcome) },
      json,
      jsonFault,
    );
  });
}

/**
 * `POST /model/{modelId}/invoke` and `/invoke-with-response-stream`: the model-native body. Claude
 * (`anthropic.*`) takes the Anthropic Messages body and answers with an Anthropic message (streamed:
 * `chunk` events of Anthropic stream events); Titan Text Embeddings v2 takes `{inputText, …}`. Other
 * families are served through Converse only, and say so with a ValidationException.
 */
export async function handleInvoke(call: BedrockCall, stream: boolean): Promise<void> {
  const raw = parseJsonObject(call.body);
  const { model } = call.target;
  if (model.family === 'anthropic') {
    invokeAnthropic(call, raw, stream);
    return;
  }
  if (model.family === 'titan-embed') {
    if (stream) throw validationError('The model is unsupported for streaming.');
    handleTitanEmbed(call, raw);
    return;
  }
  throw validationError(
    `The sandbox emulates InvokeModel bodies for Anthropic Claude and Titan Text Embeddings only; call Converse for ${model.id}.`,
  );
}
