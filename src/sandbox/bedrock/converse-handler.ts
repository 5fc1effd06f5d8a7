import { sendAfter, totalDurationMs } from '../engine/pacing.js';
import { sendJsonWithFault } from '../openai/inference-route.js';
import { validationError } from './bedrock-error.js';
import { type BedrockCall, bedrockHeaders, parseJsonObject } from './bedrock-route.js';
import { chooseBedrockFault } from './choose-bedrock-fault.js';
import { type ConverseRequestBody, converseRequestSchema } from './converse-request-schema.js';
import {
  buildConverseBody,
  buildConverseStreamPlan,
  buildConverseUsage,
  buildGuardrailTrace,
  type ConverseOutcome,
} from './converse-response.js';
import { formatValidationErrors } from './format-validation-errors.js';
import type { BedrockReply } from './generate-bedrock-reply.js';
import { readConversePrompt } from './read-converse-prompt.js';
import { nonStreamFault, runBedrockModel, startEventStream } from './run-bedrock-model.js';
import { applyStreamFault, writeEventStream } from './write-event-stream.js';

export const UNSUPPORTED_CONVERSE_MODEL_MESSAGE =
  "This action doesn't support the model that you provided. Try again with a supported text or chat model.";

/** Validates a Converse body, or throws the Coral-style ValidationException listing every violation. */
export function validateConverseBody(raw: unknown): ConverseRequestBody {
  const result = converseRequestSchema.safeParse(raw);
  if (!result.success) throw validationError(formatValidationErrors(result.error.issues, raw));
  return result.data;
}

function additionalFields(
  body: ConverseRequestBody,
  reply: BedrockReply,
): Record<string, unknown> | undefined {
  // Claude's native stop_sequence is the one field worth asking for by path.
  if (!body.additionalModelResponseFieldPaths?.includes('/stop_sequence')) return undefined;
  return { stop_sequence: reply.stopSequence };
}

/**
 * `POST /model/{modelId}/converse` and `/converse-stream`: validate, inject faults, apply the guardrail
 * marker, generate, admit against capacity, apply cache points, then answer with JSON or an event
 * stream at the model's pace.
 * @example router.add('POST', '/model/{modelId}/converse', bedrockRoute(state, (call) => handleConverse(call, false)))
 */
export async function handleConverse(call: BedrockCall, stream: boolean): Promise<void> {
  const raw = parseJsonObject(call.body);
  const { model } = call.target;
  if (model.kind !== 'chat') throw validationError(UNSUPPORTED_CONVERSE_MODEL_MESSAGE);
  const body = validateConverseBody(raw);
  const marker = call.state.options.guardrailMarker;
  const prompt = readConversePrompt(body, model, marker);
  const fault = chooseBedrockFault(call);
  if (fault === 'handled') return;
  const jsonFault = stream ? undefined : nonStreamFault(fault);
  const guardrail =
    body.guardrailConfig !== undefined && prompt.guardrailMarkerSeen ? body.guardrailConfig : undefined;
  const run = runBedrockModel(call, prompt, guardrail !== undefined);
  const outcome: ConverseOutcome = {
    reply: run.reply,
    usage: buildConverseUsage(prompt.accumulator.tokens, run.reply.outputTokens, run.cache),
    latencyMs: run.latencyMs,
    trace: guardrail ? buildGuardrailTrace(guardrail, marker, prompt.lastUserText.length) : undefined,
    additionalModelResponseFields: additionalFields(body, run.reply),
  };
  if (stream) {
    startEventStream(call);
    writeEventStream(
      call.context.response,
      applyStreamFault(buildConverseStreamPlan(outcome), fault),
      run.pacing,
    );
    return;
  }
  const json = JSON.stringify(buildConverseBody(outcome));
  sendAfter(call.context.response, totalDurationMs(run.pacing, run.reply.outputTokens), () => {
    sendJsonWithFault(call.context, bedrockHeaders(call.requestId), json, jsonFault);
  });
}
