import { z } from 'zod';
import { validationError } from './bedrock-error.js';
import { type BedrockCall, bedrockHeaders, parseJsonObject } from './bedrock-route.js';
import { validateConverseBody } from './converse-handler.js';
import { formatValidationErrors } from './format-validation-errors.js';
import { readAnthropicInvoke } from './read-anthropic-invoke.js';
import { readConversePrompt } from './read-converse-prompt.js';

const countTokensSchema = z.object({
  input: z.object({
    converse: z.record(z.string(), z.unknown()).optional(),
    invokeModel: z.object({ body: z.string() }).optional(),
  }),
});

function decodeInvokeBody(base64: string): unknown {
  const parsed = parseJsonObject(Buffer.from(base64, 'base64'));
  return parsed;
}

/**
 * `POST /model/{modelId}/count-tokens`: `{input: {converse: {messages, system, toolConfig}}}` or
 * `{input: {invokeModel: {body: <base64 Anthropic body>}}}` → `{inputTokens}`, counted exactly as the
 * corresponding call would bill them (free: no capacity is used).
 */
export async function handleCountTokens(call: BedrockCall): Promise<void> {
  const raw = parseJsonObject(call.body);
  const result = countTokensSchema.safeParse(raw);
  if (!result.success) throw validationError(formatValidationErrors(result.error.issues, raw));
  const { model } = call.target;
  if (model.family !== 'anthropic')
    throw validationError("The provided model doesn't support counting tokens.");
  const marker = call.state.options.guardrailMarker;
  const { converse, invokeModel } = result.data.input;
  let tokens: number;
  if (converse !== undefined)
    tokens = readConversePrompt(validateConverseBody(converse), model, marker).accumulator.tokens;
  else if (invokeModel !== undefined)
    tokens = readAnthropicInvoke(decodeInvokeBody(invokeModel.body), model, marker).prompt.accumulator.tokens;
  else
    throw validationError(
      "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
    );
  call.context.response
    .writeHead(200, { ...bedrockHeaders(call.requestId), 'content-type': 'application/json' })
    .end(JSON.stringify({ inputTokens: tokens }));
}
