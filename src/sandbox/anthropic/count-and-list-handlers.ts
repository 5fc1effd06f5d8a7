import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import { readJsonBody, sendJson } from '../openai/inference-route.js';
import type { AnthropicSandboxModel } from './anthropic-models.js';
import { type AnthropicCall, baseHeaders } from './anthropic-route.js';
import { countTokensRequestSchema, vertexCountTokensRequestSchema } from './messages-request-schema.js';
import { readPrompt, validateBody } from './parse-messages-request.js';

/**
 * `POST /v1/messages/count_tokens` (and Vertex's `count-tokens:rawPredict`, model in the body):
 * the prompt's tokens exactly as a messages call would count them, cache or not.
 */
export async function handleCountTokens(call: AnthropicCall): Promise<void> {
  const raw = await readJsonBody(call.context);
  const schema = call.surface === 'api' ? countTokensRequestSchema : vertexCountTokensRequestSchema;
  const body = validateBody(schema, raw);
  const { catalog } = call.state.options;
  const model = call.surface === 'api' ? catalog.find(body.model) : catalog.findOnVertex(body.model);
  if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: body.model });
  call.model = model;
  const { prompt } = readPrompt(body, model, call.state.engine.options.contentFilter);
  sendJson(call.context, 200, baseHeaders(call), JSON.stringify({ input_tokens: prompt.tokens }));
}

/** A model as `GET /v1/models` describes it. */
export function modelInfo(model: AnthropicSandboxModel): Record<string, unknown> {
  return {
    type: 'model',
    id: model.id,
    display_name: model.displayName,
    created_at: model.createdAt,
    max_input_tokens: model.contextWindow,
    max_tokens: model.maxOutputTokens,
  };
}

function pageSize(value: string | null): number {
  if (value === null) return 20;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw invalidRequest('limit: Input should be less than or equal to 1000', null);
  }
  return limit;
}

/** `GET /v1/models`: newest first, paged with `limit`, `after_id` and `before_id`. */
export async function handleListModels(call: AnthropicCall): Promise<void> {
  const { query } = call.context;
  const models = [...call.state.options.catalog.models].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  const limit = pageSize(query.get('limit'));
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  let start = 0;
  let end = models.length;
  if (afterId !== null) start = models.findIndex((model) => model.id === afterId) + 1;
  if (beforeId !== null)
    end = Math.max(
      0,
      models.findIndex((model) => model.id === beforeId),
    );
  const page =
    beforeId !== null ? models.slice(Math.max(start, end - limit), end) : models.slice(start, start + limit);
  const hasMore = beforeId !== null ? end - limit > start : start + limit < end;
  sendJson(
    call.context,
    200,
    baseHeaders(call),
    JSON.stringify({
      data: page.map(modelInfo),
      has_more: hasMore,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    }),
  );
}

/** `GET /v1/models/{id}`: aliases resolve to the dated model. */
export async function handleGetModel(call: AnthropicCall): Promise<void> {
  const id = call.context.params['model'] ?? '';
  const model = call.state.options.catalog.find(id);
  if (model === undefined) throw new SandboxError({ kind: 'unknown_model', model: id });
  sendJson(call.context, 200, baseHeaders(call), JSON.stringify(modelInfo(model)));
}
