import type { FastifyReply, FastifyRequest } from 'fastify';
import { runExchange } from '../../server/exchange.js';
import type { Gateway } from '../../server/gateway.js';
import { parseJsonBody } from '../openai/parse-json-body.js';
import { createGeminiWriter } from './create-gemini-writer.js';
import { emptyRequestExtras } from './gemini-request-extras.js';
import type { GeminiWriterOptions } from './gemini-writer-options.js';
import { normalizeFieldNames } from './normalize-field-names.js';
import { type EmbedShape, parseEmbedRequest } from './parse-embed-request.js';
import { parseGenerateRequest } from './parse-generate-request.js';
import type { GoogleFlavor } from './write-error.js';

export interface GeminiExchangeSpec {
  flavor: GoogleFlavor;
  credential: string | undefined;
  /** The model named by the URL. */
  model: string;
}

/** The body as JSON with snake_case field names renamed; throws `invalid_json` when it is not JSON. */
function readBody(request: FastifyRequest): () => unknown {
  const text = typeof request.body === 'string' ? request.body : undefined;
  return () => normalizeFieldNames(parseJsonBody(text), text ?? '');
}

/**
 * Runs `generateContent` or `streamGenerateContent` through the pipeline. The body is parsed by
 * the pipeline's parse stage, after authentication, so a bad key is refused whatever it holds.
 */
export function runGenerateContent(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec:
    | (GeminiExchangeSpec & { stream: false })
    | (GeminiExchangeSpec & { stream: true; streamFormat: 'sse' | 'json-array' }),
) {
  const options: GeminiWriterOptions = {
    flavor: spec.flavor,
    streamFormat: spec.stream ? spec.streamFormat : 'sse',
    embedShape: 'embedContent',
    extras: emptyRequestExtras(),
  };
  const body = readBody(request);
  return runExchange(gateway, request, reply, {
    dialect: 'gemini',
    credential: spec.credential,
    modelHint: spec.model,
    parseBody() {
      const parsed = parseGenerateRequest(body(), { model: spec.model, stream: spec.stream });
      options.extras = parsed.extras;
      return { operation: 'chat', request: parsed.request };
    },
    writer: createGeminiWriter(options),
  });
}

/** Runs `embedContent`, `batchEmbedContents` or Vertex `:predict` through the pipeline. */
export function runEmbedContent(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: GeminiExchangeSpec & { shape: EmbedShape },
) {
  const options: GeminiWriterOptions = {
    flavor: spec.flavor,
    streamFormat: 'sse',
    embedShape: spec.shape,
    extras: emptyRequestExtras(),
  };
  const body = readBody(request);
  return runExchange(gateway, request, reply, {
    dialect: 'gemini',
    credential: spec.credential,
    modelHint: spec.model,
    parseBody() {
      const embedRequest = parseEmbedRequest(body(), { model: spec.model, shape: spec.shape });
      options.extras.googleOnlySettings.push(...Object.keys(embedRequest.providerOptions?.['gemini'] ?? {}));
      return { operation: 'embed', request: embedRequest };
    },
    writer: createGeminiWriter(options),
  });
}
