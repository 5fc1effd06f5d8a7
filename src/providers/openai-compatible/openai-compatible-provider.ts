import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import type { Provider, ProviderCallOptions } from '../provider.js';
import { streamChatResult } from './convert-chat-result-to-stream-parts.js';
import { convertOpenAIChatResponse } from './convert-openai-chat-response.js';
import { convertOpenAIEmbeddingsResponse } from './convert-openai-embeddings-response.js';
import { convertToOpenAIChatRequest, type OpenAIChatOptions } from './convert-to-openai-chat-request.js';
import { convertToOpenAIEmbeddingsRequest } from './convert-to-openai-embeddings-request.js';
import { type MapErrorHook, mapOpenAIEmbeddedError } from './map-openai-error.js';
import {
  type OpenAIChatChunk,
  type OpenAIChatResponse,
  type OpenAIErrorObject,
  openAIChatResponseSchema,
  openAIEmbeddingsResponseSchema,
  openAIErrorObjectSchema,
} from './openai-chat-api-schemas.js';
import { convertOpenAIChatStream } from './openai-chat-stream.js';
import { badResponse, readJsonBody, sendOpenAIRequest } from './send-openai-request.js';

/** Checks a usual completion without zod; zod still judges (and explains) anything unusual. */
const parseChatResponse = compileShapeCheck(openAIChatResponseSchema);

export type OpenAIOperation = 'chat' | 'embeddings';

/**
 * What distinguishes one OpenAI-compatible upstream from another: where to send, how to
 * authenticate, what the model accepts, and how to read the vendor's extras.
 */
export interface OpenAICompatibleSettings {
  /** The account name from config. */
  name: string;
  /** The provider type: the `providerOptions` key and the `providerMetadata` key. */
  type: string;
  http: HttpClient;
  /** The full URL of an operation for a model (or Azure deployment). */
  url(operation: OpenAIOperation, modelId: string): string;
  /** Auth and extra headers, per call (Entra tokens rotate). */
  headers(signal: AbortSignal): Record<string, string> | Promise<Record<string, string>>;
  /** What the model accepts on the wire: token-cap field, unsupported settings, … */
  chatOptions(modelId: string): OpenAIChatOptions;
  /** Vendor detail from a completion (Azure content filter, llama.cpp timings), keyed under `type`. */
  extractResponseMetadata?(response: OpenAIChatResponse): Record<string, unknown> | undefined;
  /** Vendor detail from a stream chunk; each becomes a `metadata` part. */
  extractChunkMetadata?(chunk: OpenAIChatChunk): Record<string, unknown> | undefined;
  /** Vendor-specific error mapping (Azure content filter); undefined falls back to the default. */
  mapError?: MapErrorHook;
}

/** Models one provider remembers chat options for; more than this (never in practice) starts over. */
const MAX_CACHED_MODELS = 256;

/**
 * The Chat Completions and Embeddings wire shared by OpenAI, Azure OpenAI and OpenAI-compatible
 * servers. A vendor is a settings object; this class does the HTTP, conversion and streaming.
 *
 * @example
 * const provider = new OpenAICompatibleProvider({ name: 'local', type: 'openai-compatible', http, url, headers, chatOptions });
 * const result = await provider.generate(request, { modelId: 'llama3', signal, requestId, log });
 */
export class OpenAICompatibleProvider implements Provider {
  readonly name: string;
  readonly type: string;
  /** `settings.chatOptions` per model id: a pure function of the id, asked on every call. */
  private readonly chatOptionsByModel = new Map<string, OpenAIChatOptions>();

  constructor(private readonly settings: OpenAICompatibleSettings) {
    this.name = settings.name;
    this.type = settings.type;
  }

  async generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    const { body, warnings } = convertToOpenAIChatRequest(
      request.stream === false ? request : { ...request, stream: false },
      options.modelId,
      this.chatOptions(options.modelId),
    );
    const url = this.settings.url('chat', options.modelId);
    const response = await this.send(url, body, options, 'application/json');
    return this.readChatResult(response, url, options, warnings);
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    const { body, warnings } = convertToOpenAIChatRequest(
      request.stream === true ? request : { ...request, stream: true },
      options.modelId,
      this.chatOptions(options.modelId),
    );
    const url = this.settings.url('chat', options.modelId);
    const response = await this.send(url, body, options, 'text/event-stream');
    if (String(response.headers['content-type']).includes('application/json')) {
      // Some servers ignore `stream: true` and answer with one completion (or an error envelope).
      return streamChatResult(await this.readChatResult(response, url, options, warnings));
    }
    return convertOpenAIChatStream(response.body, {
      url,
      signal: options.signal,
      log: options.log,
      providerType: this.type,
      warnings,
      extractChunkMetadata: this.settings.extractChunkMetadata?.bind(this.settings),
      mapError: this.settings.mapError,
    });
  }

  async embed(request: EmbedRequest, options: ProviderCallOptions): Promise<EmbedResult> {
    const url = this.settings.url('embeddings', options.modelId);
    const body = convertToOpenAIEmbeddingsRequest(request, options.modelId, this.type);
    const response = await this.send(url, body, options, 'application/json');
    const json = await readJsonBody(response, url, options.signal);
    const parsed = openAIEmbeddingsResponseSchema.safeParse(json);
    const result = parsed.success
      ? convertOpenAIEmbeddingsResponse(parsed.data, {
          modelId: options.modelId,
          inputCount: request.input.length,
          dimensions: request.dimensions,
        })
      : undefined;
    if (result === undefined) {
      throw badResponse(
        url,
        'The upstream answer is not a list of embeddings, one per input.',
        JSON.stringify(json),
      );
    }
    return result;
  }

  private chatOptions(modelId: string): OpenAIChatOptions {
    let chatOptions = this.chatOptionsByModel.get(modelId);
    if (chatOptions === undefined) {
      chatOptions = this.settings.chatOptions(modelId);
      if (this.chatOptionsByModel.size >= MAX_CACHED_MODELS) this.chatOptionsByModel.clear();
      this.chatOptionsByModel.set(modelId, chatOptions);
    }
    return chatOptions;
  }

  /** Reads a 2xx completion; an error envelope in it rejects like a failed call would. */
  private async readChatResult(
    response: HttpResponse,
    url: string,
    options: ProviderCallOptions,
    warnings: Warning[],
  ): Promise<ChatResult> {
    const json = await readJsonBody(response, url, options.signal);
    const envelope = parseErrorEnvelope(json);
    if (envelope !== undefined) throw mapOpenAIEmbeddedError(url, envelope, this.settings.mapError);
    const parsed = parseChatResponse(json);
    if (!parsed.success) {
      throw badResponse(
        url,
        'The upstream answer is not a chat completion.',
        JSON.stringify(json),
        parsed.error,
      );
    }
    const metadata = this.settings.extractResponseMetadata?.(parsed.data);
    return convertOpenAIChatResponse(parsed.data, {
      modelId: options.modelId,
      warnings,
      providerMetadata: metadata === undefined ? undefined : { [this.type]: metadata },
    });
  }

  private async send(
    url: string,
    body: unknown,
    options: ProviderCallOptions,
    accept: 'application/json' | 'text/event-stream',
  ): Promise<HttpResponse> {
    const headers = await this.settings.headers(options.signal);
    return sendOpenAIRequest({
      http: this.settings.http,
      url,
      headers,
      body,
      signal: options.signal,
      accept,
      mapError: this.settings.mapError,
    });
  }
}

function parseErrorEnvelope(json: unknown): OpenAIErrorObject | undefined {
  if (typeof json !== 'object' || json === null || !('error' in json) || json.error == null) return undefined;
  const parsed = openAIErrorObjectSchema.safeParse(json.error);
  return parsed.success ? parsed.data : {};
}
