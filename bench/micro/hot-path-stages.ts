import { pino } from 'pino';
import type { ChatRequest } from '../../src/core/chat-request.js';
import type { ChatResult } from '../../src/core/chat-result.js';
import { safeParseJson } from '../../src/core/safe-parse-json.js';
import { openAIFlavor } from '../../src/dialects/openai/openai-flavor.js';
import { parseChatRequest } from '../../src/dialects/openai/parse-chat-request.js';
import { parseJsonBody } from '../../src/dialects/openai/parse-json-body.js';
import { writeChatResponse } from '../../src/dialects/openai/write-chat-response.js';
import { MemoryLimitStore } from '../../src/limits/memory/memory-limit-store.js';
import { createKeyResolver, hashKey } from '../../src/pipeline/auth/key-resolver.js';
import type { GatewayContext } from '../../src/pipeline/gateway-context.js';
import { createFlatPricing } from '../../src/pipeline/limits/limit-pricing.js';
import { createLimitsStage } from '../../src/pipeline/limits/limits-stage.js';
import { ModelRegistry } from '../../src/pipeline/route/model-registry.js';
import { createRouteStage } from '../../src/pipeline/route/route-stage.js';
import { openAIChatOptions } from '../../src/providers/openai/openai-chat-options.js';
import { convertOpenAIChatResponse } from '../../src/providers/openai-compatible/convert-openai-chat-response.js';
import { convertToOpenAIChatRequest } from '../../src/providers/openai-compatible/convert-to-openai-chat-request.js';
import { openAIChatResponseSchema } from '../../src/providers/openai-compatible/openai-chat-api-schemas.js';
import type { Provider } from '../../src/providers/provider.js';
import { MemoryKeyStore } from '../../src/storage/memory/memory-key-store.js';
import { makeTestContext } from '../../src/test-support/make-test-context.js';
import { BENCH_RPM } from '../bench-governance.js';
import { BENCH_BODIES } from '../bench-targets.js';
import type { MicroStage } from './measure-operation.js';
import { createStreamStages, nullResponse } from './stream-stages.js';
import { UPSTREAM_CHAT_RESPONSE } from './upstream-samples.js';

const log = pino({ level: 'silent' });
const KEY = 'sk-bench-converge-virtual-key-0001';

function createContext(request: ChatRequest): GatewayContext {
  return makeTestContext({
    requestId: '9f4732b7-3bf4-4103-8c4a-6706ea08c379',
    receivedAt: Date.now(),
    startTime: performance.now(),
    credential: KEY,
    log,
    parseBody: () => ({ operation: 'chat', request }),
    parsed: { operation: 'chat', request },
    principal: { keyId: 'key_1', keyName: 'bench', teamId: null, role: 'member', models: null },
  });
}

function stubProvider(name: string): Provider {
  const fail = () => Promise.reject(new Error('not called by the micro-benchmark'));
  return { name, type: 'openai', generate: fail, stream: fail };
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
    createLimitsMicroStage(context),
    {
      stage: 'upstream request',
      operation: 'canonical → OpenAI body + JSON.stringify',
      run: () => JSON.stringify(convertToOpenAIChatRequest(request, 'gpt-4o-mini', options).body),
    },
  ];
}

/**
 * The limits stage as the bench key meets it: one RPM limit (the bench's), checked and reserved in
 * the in-memory store, the upstream's result handed back, the reservation settled.
 */
function createLimitsMicroStage(context: GatewayContext): MicroStage {
  const limits = createLimitsStage({
    store: new MemoryLimitStore(),
    pricing: createFlatPricing({ inputUsdPerMillion: 1, outputUsdPerMillion: 1 }),
    onStoreError: 'fail-open',
    defaultMaxOutputTokens: 4096,
    leaseMs: 60_000,
  });
  const principal = {
    ...context.principal!,
    limitScopes: [{ id: 'key:key_1', limits: { rpm: BENCH_RPM } }],
  };
  const result = readUpstreamResult();
  return {
    stage: 'limits',
    operation: 'RPM check + reservation (memory store), settled with the result',
    run: () => {
      const limited: GatewayContext = { ...context, principal, responseHeaders: undefined };
      return limits(limited, () => {
        limited.output = { type: 'chat', result };
        return Promise.resolve();
      });
    },
  };
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
    ...createStreamStages(context, log),
  ];
}
