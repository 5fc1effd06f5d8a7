import type { FastifyReply, FastifyRequest } from 'fastify';
import { runExchange } from '../../server/exchange.js';
import type { Gateway } from '../../server/gateway.js';
import { createOpenAIWriter, type OutputOptions } from './create-openai-writer.js';
import { parseChatRequest } from './parse-chat-request.js';
import { parseEmbedRequest } from './parse-embed-request.js';
import { parseJsonBody } from './parse-json-body.js';
import type { WireFlavor } from './wire-flavor.js';

export interface OpenAIExchangeSpec {
  flavor: WireFlavor;
  credential: string | undefined;
  /** The model named by the path (Azure deployment); overrides the body's `model`. */
  model?: string;
}

function bodyText(request: FastifyRequest): string | undefined {
  return typeof request.body === 'string' ? request.body : undefined;
}

/**
 * Runs a chat completion through the pipeline. The body is parsed lazily by the pipeline's parse
 * stage, after authentication, so a bad key gets 401 whatever the body holds.
 */
export function runChatCompletion(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: OpenAIExchangeSpec,
) {
  const output: OutputOptions = { includeUsage: false, encoding: 'float' };
  const body = bodyText(request);
  return runExchange(gateway, request, reply, {
    dialect: spec.flavor.dialect,
    credential: spec.credential,
    modelHint: spec.model,
    parseBody() {
      const parsed = parseChatRequest(parseJsonBody(body), { model: spec.model });
      output.includeUsage = parsed.includeUsage;
      return { operation: 'chat', request: parsed.request };
    },
    writer: createOpenAIWriter(spec.flavor, output),
  });
}

/** Runs an embeddings request through the pipeline. */
export function runEmbeddings(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: OpenAIExchangeSpec,
) {
  const output: OutputOptions = { includeUsage: false, encoding: 'float' };
  const body = bodyText(request);
  return runExchange(gateway, request, reply, {
    dialect: spec.flavor.dialect,
    credential: spec.credential,
    modelHint: spec.model,
    parseBody() {
      const parsed = parseEmbedRequest(parseJsonBody(body), { model: spec.model });
      output.encoding = parsed.encodingFormat;
      return { operation: 'embed', request: parsed.request };
    },
    writer: createOpenAIWriter(spec.flavor, output),
  });
}
