import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { readJsonBody, sendJsonWithFault } from '../openai/inference-route.js';
import { countTokensRequestSchema } from './gemini-request-schema.js';
import { applyGoogleFault, type GoogleCall, googleHeaders } from './google-call.js';
import { parseGoogleBody } from './google-field-error.js';
import { readGeminiPrompt } from './read-gemini-prompt.js';

const REQUEST = 'CountTokensRequest';

/**
 * `:countTokens`. The count is the one generateContent reports as `promptTokenCount` for the same
 * input. Gemini API: `{contents}` or `{generateContentRequest: {…}}` (one or the other) →
 * `{totalTokens, promptTokensDetails}`; Vertex: the generate fields → plus `totalBillableCharacters`.
 */
export async function handleCountTokens(call: GoogleCall): Promise<void> {
  const { context, engine, model } = call;
  const raw = await readJsonBody(context);
  const body = parseGoogleBody(countTokensRequestSchema, raw, REQUEST);
  if (model.kind !== 'chat')
    throw new SandboxError({ kind: 'wrong_operation', operation: 'chat', model: model.id });
  if (call.flavor === 'gemini' && body.generateContentRequest !== undefined && body.contents !== undefined) {
    throw invalidRequest(
      '* CountTokensRequest: contents and generate_content_request cannot both be set.',
      'generate_content_request',
    );
  }
  const source = (call.flavor === 'gemini' ? body.generateContentRequest : undefined) ?? body;
  const prompt = readGeminiPrompt(source, getEncoder('o200k_base'), engine.options.contentFilter, REQUEST);
  const fault = applyGoogleFault(call);
  if (fault === 'handled') return;
  const answer: Record<string, unknown> = {
    totalTokens: prompt.tokens,
    ...(call.flavor === 'vertex' ? { totalBillableCharacters: prompt.characters } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt.tokens }],
  };
  sendJsonWithFault(context, googleHeaders(context), JSON.stringify(answer), fault);
}
