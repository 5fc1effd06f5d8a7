import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { badResponse, readJsonBody } from '../openai-compatible/send-openai-request.js';
import type { Provider, ProviderCallOptions } from '../provider.js';
import { convertGeminiResponse } from './convert-gemini-response.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { geminiResponseSchema, googleErrorSchema } from './gemini-api-schemas.js';
import { convertGeminiStream, replayGeminiJson } from './gemini-stream.js';
import { mapGeminiEmbeddedError } from './map-gemini-error.js';
import { sendGeminiRequest } from './send-gemini-request.js';

/** Checks a usual response without zod; zod still judges (and explains) anything unusual. */
const parseResponse = compileShapeCheck(geminiResponseSchema);

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents' | 'predict';

/** Sends one JSON body and returns the parsed 2xx answer; what embedding strategies are given. */
export type PostJson = (url: string, body: unknown, signal: AbortSignal) => Promise<unknown>;

/** What distinguishes the Gemini API from Vertex AI: addressing, auth and embeddings. */
export interface GeminiWireSettings {
  name: string;
  type: 'gemini' | 'vertex';
  http: HttpClient;
  /** The URL of `{model}:{method}`; the streaming one carries `alt=sse`. */
  url(modelId: string, method: GeminiMethod): string;
  /** Auth headers for one call (OAuth tokens rotate). */
  headers(url: string, signal: AbortSignal): Record<string, string> | Promise<Record<string, string>>;
  embed(request: EmbedRequest, options: ProviderCallOptions, post: PostJson): Promise<EmbedResult>;
}

/**
 * The generateContent wire shared by the Gemini API and Vertex AI: one request conversion, one response
 * and stream conversion, one error mapping. A settings object supplies URLs, auth and embeddings.
 *
 * @example
 * const provider = new GeminiWireProvider({ name: 'gemini', type: 'gemini', http, url, headers, embed });
 * const result = await provider.generate(request, { modelId: 'gemini-2.5-flash', signal, requestId, log });
 */
export class GeminiWireProvider implements Provider {
  readonly name: string;
  readonly type: string;

  constructor(private readonly settings: GeminiWireSettings) {
    this.name = settings.name;
    this.type = settings.type;
  }

  async generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    const { body, warnings } = convertToGeminiRequest(request, options.modelId, {
      providerType: this.settings.type,
    });
    const url = this.settings.url(options.modelId, 'generateContent');
    const json = await this.post(url, body, options.signal);
    const parsed = parseResponse(json);
    if (!parsed.success) {
      throw badResponse(
        url,
        'The upstream answer is not a generateContent response.',
        JSON.stringify(json),
        parsed.error,
      );
    }
    return convertGeminiResponse(parsed.data, { modelId: options.modelId, warnings });
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    const { body, warnings } = convertToGeminiRequest(request, options.modelId, {
      providerType: this.settings.type,
    });
    const url = this.settings.url(options.modelId, 'streamGenerateContent');
    const response = await this.send(url, body, options.signal, 'text/event-stream');
    const streamOptions = { url, signal: options.signal, warnings, modelId: options.modelId };
    if (String(response.headers['content-type']).includes('application/json')) {
      // Without alt=sse (or from a server that ignores it) the answer is one JSON array of chunks.
      return replayGeminiJson(await readJsonBody(response, url, options.signal), streamOptions);
    }
    return convertGeminiStream(response.body, streamOptions);
  }

  embed(request: EmbedRequest, options: ProviderCallOptions): Promise<EmbedResult> {
    return this.settings.embed(request, options, (url, body, signal) => this.post(url, body, signal));
  }

  /** POSTs and reads a 2xx JSON answer; an error envelope inside it rejects like a failed call. */
  private async post(url: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const response = await this.send(url, body, signal, 'application/json');
    const json = await readJsonBody(response, url, signal);
    if (typeof json === 'object' && json !== null && 'error' in json && json.error != null) {
      const error = googleErrorSchema.safeParse(json.error);
      throw mapGeminiEmbeddedError(url, error.success ? error.data : {});
    }
    return json;
  }

  private async send(
    url: string,
    body: unknown,
    signal: AbortSignal,
    accept: 'application/json' | 'text/event-stream',
  ): Promise<HttpResponse> {
    const headers = await this.settings.headers(url, signal);
    return sendGeminiRequest({ http: this.settings.http, url, headers, body, signal, accept });
  }
}
