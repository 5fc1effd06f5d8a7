import { pino } from 'pino';
import type { ChatRequest } from '../../src/core/chat-request.js';
import type { ChatResult } from '../../src/core/chat-result.js';
import { safeParseJson } from '../../src/core/safe-parse-json.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { emptyUsage } from '../../src/core/usage.js';
import type { RawResponse } from '../../src/dialects/dialect-writer.js';
import { ChatChunkBuilder } from '../../src/dialects/openai/chat-chunk-builder.js';
import { openAIFlavor } from '../../src/dialects/openai/openai-flavor.js';
import { parseChatRequest } from '../../src/dialects/openai/parse-chat-request.js';
import { parseJsonBody } from '../../src/dialects/openai/parse-json-body.js';
import { writeChatResponse } from '../../src/dialects/openai/write-chat-response.js';
import { createKeyResolver, hashKey } from '../../src/pipeline/auth/key-resolver.js';
import type { GatewayContext } from '../../src/pipeline/gateway-context.js';
import { ModelRegistry } from '../../src/pipeline/route/model-registry.js';
import { createRouteStage } from '../../src/pipeline/route/route-stage.js';
import { openAIChatOptions } from '../../src/providers/openai/openai-chat-options.js';
import { convertOpenAIChatResponse } from '../../src/providers/openai-compatible/convert-openai-chat-response.js';
import { convertToOpenAIChatRequest } from '../../src/providers/openai-compatible/convert-to-openai-chat-request.js';
import { openAIChatResponseSchema } from '../../src/providers/openai-compatible/openai-chat-api-schemas.js';
import { convertOpenAIChatStream } from '../../src/providers/openai-compatible/openai-chat-stream.js';
import type { Provider } from '../../src/providers/provider.js';
import { MemoryKeyStore } from '../../src/storage/memory/memory-key-store.js';
import { BENCH_BODIES } from '../bench-targets.js';
import type { MicroStage } from './measure-operation.js';
import { UPSTREAM_CHAT_RESPONSE, upstreamStreamBody } from './upstream-samples.js';

const log = pino({ level: 'silent' });
const KEY = 'sk-bench-converge-virtual-key-0001';
const STREAM_TOKENS = 100;

function createContext(request: ChatRequest): GatewayContext {
  return {
    requestId: '9f4732b7-3bf4-4103-8c4a-6706ea08c379',
    receivedAt: Date.now(),
    startTime: performance.now(),
    dialect: 'openai',
    credential: KEY,
    signal: new AbortController().signal,
    log,
    parseBody: () => ({ operation: 'chat', request }),
    modelHint: undefined,
    parsed: { operation: 'chat', request },
    principal: { keyId: 'key_1', keyName: 'bench', models: null },
    attempts: [],
    warnings: [],
    usage: emptyUsage(),
    upstreamMs: 0,
    usageEstimated: false,
    completed: false,
  };
}

function stubProvider(name: string): Provider {
  const fail = () => Promise.reject(new Error('not called by the micro-benchmark'));
  return { name, type: 'openai', generate: fail, stream: fail };
}

/** A response sink that accepts writes and drops them: the writer's own cost, not the socket's. */
function nullResponse(): RawResponse {
  const sink = { writeHead: () => sink, end: () => sink, setHeader: () => sink, headersSent: false };
  return sink as unknown as RawResponse;
}

function streamParts(): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'stream-start', warnings: [], modelId: 'gpt-4o-mini-2024-07-18' }];
  parts.push({ type: 'text-start', id: 't0' });
  for (let index = 0; index < STREAM_TOKENS; index++)
    parts.push({ type: 'text-delta', id: 't0', delta: ' word' });
  parts.push({ type: 'text-end', id: 't0' });
  parts.push({
    type: 'finish',
    usage: { ...emptyUsage(), inputTokens: 11, outputTokens: 100 },
    finishReason: { unified: 'length', raw: 'length' },
  });
  return parts;
}

async function drain(stream: AsyncIterable<StreamPart>): Promise<number> {
  let count = 0;
  for await (const _part of stream) count++;
  return count;
}

/** Upstream JSON → ChatResult, as the OpenAI provider reads a non-streamed answer. */
function readUpstreamResult(): ChatResult {
  const json = safeParseJson(UPSTREAM_CHAT_RESPONSE);
  if (!json.success) throw json.error;
  return convertOpenAIChatResponse(openAIChatResponseSchema.parse(json.value), {
    modelId: 'gpt-4o-mini',
    warnings: [],
    providerMetadata: undefined,
  });
}

async function createRequestStages(context: GatewayContext, request: ChatRequest): Promise<MicroStage[]> {
  const keyStore = new MemoryKeyStore();
  await keyStore.insert({ name: 'bench', hash: hashKey(KEY), prefix: KEY.slice(0, 11), source: 'config' });
  const keys = createKeyResolver(keyStore);
  const registry = new ModelRegistry(
    {
      models: { 'gpt-4o-mini': { kind: 'chat', aliases: [], deployments: ['fast'] } },
      deployments: {
        fast: { provider: 'sandbox', model: 'gpt-4o-mini', capacity: 'on-demand', processing: 'global' },
      },
    },
    new Map([['sandbox', stubProvider('sandbox')]]),
  );
  const route = createRouteStage(registry);
  const noop = () => Promise.resolve();
  const options = openAIChatOptions('gpt-4o-mini');
  return [
    {
      stage: 'parse',
      operation: 'JSON body → canonical request (OpenAI dialect, small prompt)',
      run: () => parseChatRequest(parseJsonBody(BENCH_BODIES.chat)),
    },
    {
      stage: 'auth',
      operation: 'virtual key → principal (key resolver, cache hit)',
      run: () => keys.resolve(KEY),
    },
    { stage: 'route', operation: 'ModelRegistry.resolve + route stage', run: () => route(context, noop) },
    {
      stage: 'upstream request',
      operation: 'canonical → OpenAI body + JSON.stringify',
      run: () => JSON.stringify(convertToOpenAIChatRequest(request, 'gpt-4o-mini', options).body),
    },
  ];
}

function createResponseStages(context: GatewayContext): MicroStage[] {
  const result = readUpstreamResult();
  const response = nullResponse();
  return [
    {
      stage: 'upstream response',
      operation: 'upstream JSON → ChatResult (safe parse, schema, convert)',
      run: readUpstreamResult,
    },
    {
      stage: 'serialize',
      operation: 'ChatResult → chat.completion JSON (response writer)',
      run: () => writeChatResponse(response, context, result, openAIFlavor),
    },
  ];
}

function createStreamStages(context: GatewayContext): MicroStage[] {
  const parts = streamParts();
  const header = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk' as const,
    created: 1,
    model: 'gpt-4o-mini',
  };
  const streamOptions = {
    url: 'http://sandbox/v1/chat/completions',
    signal: context.signal,
    log,
    providerType: 'openai',
    warnings: [],
  };
  return [
    {
      stage: 'SSE serialize',
      operation: `${STREAM_TOKENS}-token stream: parts → data: events (per stream)`,
      run: () => {
        const builder = new ChatChunkBuilder(header, openAIFlavor, false);
        let bytes = 0;
        for (const part of parts)
          for (const chunk of builder.chunksFor(part)) bytes += `data: ${JSON.stringify(chunk)}\n\n`.length;
        return bytes;
      },
    },
    {
      stage: 'SSE upstream parse',
      operation: `${STREAM_TOKENS}-token upstream SSE → parts (per stream)`,
      run: () => drain(convertOpenAIChatStream(upstreamStreamBody(), streamOptions)),
    },
  ];
}

/**
 * The hot path's stages, each as one operation on a small chat request: what the gateway does per
 * request besides waiting on the network.
 */
export async function createHotPathStages(): Promise<MicroStage[]> {
  const { request } = parseChatRequest(parseJsonBody(BENCH_BODIES.chat));
  const context = createContext(request);
  return [
    ...(await createRequestStages(context, request)),
    ...createResponseStages(context),
    ...createStreamStages(context),
  ];
}
