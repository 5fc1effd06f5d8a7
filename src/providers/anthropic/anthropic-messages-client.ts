import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { streamChatResult } from '../openai-compatible/convert-chat-result-to-stream-parts.js';
import { badResponse, readJsonBody } from '../openai-compatible/send-openai-request.js';
import type { ProviderCallOptions } from '../provider.js';
import { anthropicMessageSchema } from './anthropic-api-schemas.js';
import { convertAnthropicStream } from './anthropic-stream.js';
import { convertAnthropicResponse } from './convert-anthropic-response.js';
import {
  type AnthropicRequestBody,
  type AnthropicRequestConversion,
  convertToAnthropicRequest,
} from './convert-to-anthropic-request.js';
import { sendAnthropicRequest } from './send-anthropic-request.js';

/** Checks a usual message without zod; zod still judges (and explains) anything unusual. */
const parseMessage = compileShapeCheck(anthropicMessageSchema);

/**
 * Where and how one deployment speaks the Messages wire: api.anthropic.com puts the model in the body
 * and betas in a header; Vertex puts the model in the URL and the version and betas in the body.
 */
export interface AnthropicWire {
  url(modelId: string, stream: boolean): string;
  /** Auth and version headers, per call (OAuth tokens rotate). */
  headers(
    signal: AbortSignal,
    betas: readonly string[],
  ): Record<string, string> | Promise<Record<string, string>>;
  /** The body as this wire sends it. */
  body(body: AnthropicRequestBody, betas: readonly string[]): Record<string, unknown>;
}

/**
 * The Messages API exchange shared by the `anthropic` provider and Claude on Vertex: converts the
 * canonical request, sends it through the wire, and converts the answer or the SSE stream back.
 *
 * @example
 * const client = new AnthropicMessagesClient(http, wire);
 * const result = await client.generate(request, { modelId: 'claude-3-7-sonnet-20250219', signal, requestId, log });
 */
export class AnthropicMessagesClient {
  constructor(
    private readonly http: HttpClient,
    private readonly wire: AnthropicWire,
  ) {}

  async generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    const conversion = convertToAnthropicRequest({ ...request, stream: false }, options.modelId);
    const { response, url } = await this.send(conversion, options, false);
    return readMessage(response, url, options, conversion);
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    const conversion = convertToAnthropicRequest({ ...request, stream: true }, options.modelId);
    const { response, url } = await this.send(conversion, options, true);
    if (String(response.headers['content-type']).includes('application/json')) {
      // A proxy that ignored `stream: true` answered with one message; replay it as parts.
      return streamChatResult(await readMessage(response, url, options, conversion));
    }
    return convertAnthropicStream(response.body, {
      url,
      signal: options.signal,
      log: options.log,
      warnings: conversion.warnings,
      jsonTool: conversion.jsonTool,
    });
  }

  private async send(
    conversion: AnthropicRequestConversion,
    options: ProviderCallOptions,
    stream: boolean,
  ): Promise<{ response: HttpResponse; url: string }> {
    const url = this.wire.url(options.modelId, stream);
    const headers = await this.wire.headers(options.signal, conversion.betas);
    const response = await sendAnthropicRequest({
      http: this.http,
      url,
      headers,
      body: this.wire.body(conversion.body, conversion.betas),
      signal: options.signal,
      accept: stream ? 'text/event-stream' : 'application/json',
    });
    return { response, url };
  }
}

async function readMessage(
  response: HttpResponse,
  url: string,
  options: ProviderCallOptions,
  conversion: AnthropicRequestConversion,
): Promise<ChatResult> {
  const json = await readJsonBody(response, url, options.signal);
  const parsed = parseMessage(json);
  if (!parsed.success) {
    throw badResponse(url, 'The upstream answer is not a message.', JSON.stringify(json), parsed.error);
  }
  return convertAnthropicResponse(parsed.data, {
    modelId: options.modelId,
    warnings: conversion.warnings,
    jsonTool: conversion.jsonTool,
  });
}
