import type { ChatRequest, SystemMessage } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { toValidationError } from '../openai/format-validation-error.js';
import { convertGeminiContents } from './convert-gemini-contents.js';
import { applyToolConfig, convertGeminiTools } from './convert-gemini-tools.js';
import { applyGenerationConfig } from './convert-generation-config.js';
import { emptyRequestExtras, type GeminiRequestExtras } from './gemini-request-extras.js';
import {
  type GeminiContent,
  type GenerateContentRequestBody,
  generateContentRequestSchema,
} from './gemini-request-schemas.js';

/** Top-level fields the dialect maps; every other field is passed through to Google targets. */
const CONSUMED_FIELDS = new Set([
  'model',
  'contents',
  'systemInstruction',
  'generationConfig',
  'tools',
  'toolConfig',
  'safetySettings',
  'cachedContent',
  'labels',
]);

export interface ParsedGenerateRequest {
  request: ChatRequest;
  extras: GeminiRequestExtras;
}

export interface ParseGenerateOptions {
  /** The model named by the URL. */
  model: string;
  stream: boolean;
}

function toSystemMessage(instruction: string | GeminiContent): SystemMessage | undefined {
  if (typeof instruction === 'string') {
    return instruction === ''
      ? undefined
      : { role: 'system', content: [{ type: 'text', text: instruction }] };
  }
  const content: SystemMessage['content'] = [];
  for (const [index, part] of (instruction.parts ?? []).entries()) {
    if (typeof part.text !== 'string') {
      const param = `systemInstruction.parts[${index}]`;
      throw new GatewayError('invalid_request', `Invalid '${param}': a system instruction holds text only.`, {
        param,
      });
    }
    content.push({ type: 'text', text: part.text });
  }
  return content.length > 0 ? { role: 'system', content } : undefined;
}

function applyTopLevel(
  request: ChatRequest,
  body: GenerateContentRequestBody,
  passthrough: Record<string, unknown>,
  extras: GeminiRequestExtras,
): void {
  if (body.tools != null) {
    const tools = convertGeminiTools(body.tools, passthrough, extras);
    if (tools.length > 0) request.tools = tools;
  }
  if (body.toolConfig != null) applyToolConfig(request, body.toolConfig, passthrough, extras);
  if (body.safetySettings != null && body.safetySettings.length > 0) {
    passthrough['safetySettings'] = body.safetySettings;
    extras.googleOnlySettings.push('safetySettings');
  }
  if (body.cachedContent != null) {
    extras.warnings.push({
      type: 'unsupported-setting',
      setting: 'cachedContent',
      details: 'Gemini context caches are not reachable through the gateway; the request ran without it',
    });
  }
  if (body.labels != null && Object.keys(body.labels).length > 0) request.metadata = body.labels;
  for (const [key, value] of Object.entries(body)) {
    if (CONSUMED_FIELDS.has(key) || value === null || value === undefined) continue;
    passthrough[key] = value;
    extras.googleOnlySettings.push(key);
  }
}

/**
 * Validates a Gemini / Vertex `generateContent` body (camelCase; see `normalizeFieldNames`) and
 * converts it to a canonical request. Settings without a canonical field (safety settings,
 * built-in tools, `responseModalities`, exact `thinkingConfig` …) go to `providerOptions.gemini`
 * in Gemini's own wire shape, for Gemini and Vertex targets to merge into their bodies.
 *
 * @example
 * const { request } = parseGenerateRequest(
 *   { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 64 } },
 *   { model: 'gemini-2.0-flash', stream: false },
 * );
 * request.maxOutputTokens // 64
 */
export function parseGenerateRequest(input: unknown, options: ParseGenerateOptions): ParsedGenerateRequest {
  const parsed = generateContentRequestSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  const body = parsed.data;
  const extras = emptyRequestExtras();
  const converted = convertGeminiContents(body.contents);
  if (converted.messages.length === 0) {
    throw new GatewayError('invalid_request', `Invalid 'contents': no turn holds any parts.`, {
      param: 'contents',
    });
  }
  extras.warnings.push(...converted.warnings);
  const system = body.systemInstruction != null ? toSystemMessage(body.systemInstruction) : undefined;
  const request: ChatRequest = {
    model: options.model,
    messages: system === undefined ? converted.messages : [system, ...converted.messages],
    stream: options.stream,
  };
  const passthrough: Record<string, unknown> = {};
  if (body.generationConfig != null)
    applyGenerationConfig(request, body.generationConfig, passthrough, extras);
  applyTopLevel(request, body, passthrough, extras);
  if (Object.keys(passthrough).length > 0) request.providerOptions = { gemini: passthrough };
  return { request, extras };
}
