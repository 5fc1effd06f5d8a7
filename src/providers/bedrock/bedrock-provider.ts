import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../../core/embed-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { badResponse, readJsonBody } from '../openai-compatible/send-openai-request.js';
import type { Provider, ProviderCallOptions, ProviderDependencies } from '../provider.js';
import { bedrockConverseResponseSchema } from './bedrock-api-schemas.js';
import { convertBedrockConverseStream } from './bedrock-converse-stream.js';
import { embedWithBedrock } from './bedrock-embeddings.js';
import { convertBedrockConverseResponse } from './convert-bedrock-converse-response.js';
import { convertToBedrockConverseRequest } from './convert-to-bedrock-converse-request.js';
import { type BedrockAuthorizer, createBedrockAuthorizer } from './create-bedrock-authorizer.js';
import {
  type BedrockConfig,
  type BedrockOperation,
  bedrockModelUrl,
  resolveBedrockEndpoint,
} from './resolve-bedrock-endpoint.js';
import { sendBedrockRequest } from './send-bedrock-request.js';

export type { BedrockConfig } from './resolve-bedrock-endpoint.js';

const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/**
 * Amazon Bedrock Runtime: chat through Converse / ConverseStream
 * (`POST {endpoint}/model/{modelId}/converse[-stream]`), embeddings through InvokeModel (Titan,
 * Cohere). The model id is a foundation-model id, an inference-profile id (`eu.anthropic…`) or an
 * ARN. Auth is SigV4 (static keys or the AWS default credential chain) or a Bedrock API key.
 * The endpoint follows `region` and `partition`, or `endpoint` when set.
 *
 * @example
 * const provider = createBedrockProvider('bedrock-eu', { type: 'bedrock', region: 'eu-central-1', partition: 'aws', credentials: { type: 'default-chain' } }, { http, log });
 * const result = await provider.generate(request, { modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0', signal, requestId, log });
 */
export function createBedrockProvider(
  name: string,
  config: BedrockConfig,
  dependencies: ProviderDependencies,
): Provider {
  return new BedrockProvider(
    name,
    resolveBedrockEndpoint(name, config),
    createBedrockAuthorizer(name, config),
    dependencies.http,
  );
}

class BedrockProvider implements Provider {
  readonly type = 'bedrock';

  constructor(
    readonly name: string,
    private readonly endpoint: string,
    private readonly authorize: BedrockAuthorizer,
    private readonly http: HttpClient,
  ) {}

  async generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult> {
    const converted = convertToBedrockConverseRequest({ ...request, stream: false }, options.modelId);
    const { url, response } = await this.send('converse', converted.body, 'application/json', options);
    const json = await readJsonBody(response, url, options.signal);
    const parsed = bedrockConverseResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw badResponse(
        url,
        'The upstream answer is not a Converse response.',
        JSON.stringify(json),
        parsed.error,
      );
    }
    return convertBedrockConverseResponse(parsed.data, {
      modelId: options.modelId,
      warnings: converted.warnings,
      jsonResponseTool: converted.jsonResponseTool,
      responseId: requestId(response),
    });
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
    const converted = convertToBedrockConverseRequest({ ...request, stream: true }, options.modelId);
    const { url, response } = await this.send('converse-stream', converted.body, EVENT_STREAM, options);
    return convertBedrockConverseStream(response.body, {
      url,
      signal: options.signal,
      log: options.log,
      modelId: options.modelId,
      warnings: converted.warnings,
      jsonResponseTool: converted.jsonResponseTool,
      responseId: requestId(response),
    });
  }

  async embed(request: EmbedRequest, options: ProviderCallOptions): Promise<EmbedResult> {
    const url = bedrockModelUrl(this.endpoint, options.modelId, 'invoke');
    return embedWithBedrock(
      request,
      options.modelId,
      async (body) => {
        const { response } = await this.send('invoke', body, 'application/json', options);
        return { json: await readJsonBody(response, url, options.signal), headers: response.headers };
      },
      url,
    );
  }

  private async send(
    operation: BedrockOperation,
    body: unknown,
    accept: string,
    options: ProviderCallOptions,
  ): Promise<{ url: string; response: HttpResponse }> {
    const url = bedrockModelUrl(this.endpoint, options.modelId, operation);
    const response = await sendBedrockRequest({
      http: this.http,
      url,
      body,
      accept,
      authorize: this.authorize,
      signal: options.signal,
    });
    return { url, response };
  }
}

function requestId(response: HttpResponse): string | undefined {
  const value = response.headers['x-amzn-requestid'];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
