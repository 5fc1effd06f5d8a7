import type { z } from 'zod';
import { embeddingToNumbers, generateEmbedding } from '../engine/embedding-vector.js';
import { resolvePacing, sendAfter, totalDurationMs } from '../engine/pacing.js';
import { invalidRequest, SandboxError } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { readJsonBody, sendJsonWithFault } from '../openai/inference-route.js';
import {
  batchEmbedRequestSchema,
  type EmbedContentBody,
  embedContentRequestSchema,
  predictEmbedRequestSchema,
} from './gemini-request-schema.js';
import { admitGoogleCapacity, applyGoogleFault, type GoogleCall, googleHeaders } from './google-call.js';
import { fieldError, parseGoogleBody } from './google-field-error.js';

interface Embedded {
  values: number[];
  tokens: number;
  truncated: boolean;
}

interface EmbedInput {
  text: string;
  dimensions: number | undefined;
  autoTruncate: boolean;
  path: (string | number)[];
}

/**
 * `:embedContent` and `:batchEmbedContents` (Gemini API), `:predict` and `:embedContent` (Vertex):
 * deterministic unit vectors from the engine (texts sharing words are closer), `outputDimensionality`
 * keeps the first values and renormalises, inputs over the model's 2,048-token window are truncated
 * (or refused with `autoTruncate: false`).
 */
export async function handleEmbedding(call: GoogleCall): Promise<void> {
  const raw = await readJsonBody(call.context);
  if (call.model.kind !== 'embedding') {
    throw new SandboxError({ kind: 'wrong_operation', operation: 'embeddings', model: call.model.id });
  }
  const { inputs, render } = readRequest(call, raw);
  const fault = applyGoogleFault(call);
  if (fault === 'handled') return;
  const embedded = inputs.map((input) => embed(call, input));
  const tokens = embedded.reduce((sum, entry) => sum + entry.tokens, 0);
  admitGoogleCapacity(call, tokens);
  const stats = call.engine.stats.target(call.flavor, call.model.id);
  stats.requests++;
  stats.promptTokens += tokens;
  const json = JSON.stringify(render(embedded));
  const pacing = resolvePacing(call.engine.options.latency, call.model, call.context.request.headers);
  sendAfter(call.context.response, totalDurationMs(pacing, 0), () => {
    sendJsonWithFault(call.context, googleHeaders(call.context), json, fault);
  });
}

type Render = (embedded: Embedded[]) => unknown;

function readRequest(call: GoogleCall, raw: unknown): { inputs: EmbedInput[]; render: Render } {
  if (call.method === 'batchEmbedContents') {
    const body = parseGoogleBody(batchEmbedRequestSchema, raw, 'BatchEmbedContentsRequest');
    const inputs = body.requests.map((request, index) => {
      const path = ['requests', index];
      if (request.model !== undefined && request.model !== `models/${call.model.id}`) {
        throw fieldError(
          'BatchEmbedContentsRequest',
          [...path, 'model'],
          `the model ${request.model} does not match the model in the URL (models/${call.model.id}).`,
        );
      }
      return contentInput(request, path);
    });
    return {
      inputs,
      render: (embedded) => ({ embeddings: embedded.map((entry) => ({ values: entry.values })) }),
    };
  }
  if (call.method === 'predict') return readPredict(call, raw);
  const body = parseGoogleBody(embedContentRequestSchema, raw, 'EmbedContentRequest');
  const input = contentInput(body, []);
  if (call.flavor === 'gemini')
    return { inputs: [input], render: ([entry]) => ({ embedding: { values: entry?.values } }) };
  return {
    inputs: [input],
    render: ([entry]) => ({
      embedding: { values: entry?.values },
      usageMetadata: { promptTokenCount: entry?.tokens ?? 0 },
      truncated: entry?.truncated ?? false,
    }),
  };
}

function contentInput(body: EmbedContentBody, path: (string | number)[]): EmbedInput {
  const config = body.embedContentConfig;
  const texts = (body.content.parts ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text]));
  if (texts.length === 0)
    throw fieldError('EmbedContentRequest', [...path, 'content', 'parts'], 'must contain text.');
  return {
    text: texts.join('\n'),
    dimensions: config?.outputDimensionality ?? body.outputDimensionality,
    autoTruncate: config?.autoTruncate ?? body.autoTruncate ?? true,
    path,
  };
}

function readPredict(call: GoogleCall, raw: unknown): { inputs: EmbedInput[]; render: Render } {
  const body: z.output<typeof predictEmbedRequestSchema> = parseGoogleBody(
    predictEmbedRequestSchema,
    raw,
    'PredictRequest',
  );
  const limit = call.model.id.startsWith('gemini-embedding') ? 1 : 250;
  if (body.instances.length > limit) {
    throw invalidRequest(
      `Unable to submit request because the model ${call.model.id} supports up to ${limit} instance${limit === 1 ? '' : 's'} per request, but ${body.instances.length} were given.`,
      'instances',
    );
  }
  const inputs = body.instances.map((instance, index) => ({
    text: instance.content,
    dimensions: body.parameters?.outputDimensionality,
    autoTruncate: body.parameters?.autoTruncate ?? true,
    path: ['instances', index],
  }));
  const render: Render = (embedded) => ({
    predictions: embedded.map((entry) => ({
      embeddings: {
        statistics: { truncated: entry.truncated, token_count: entry.tokens },
        values: entry.values,
      },
    })),
    metadata: {
      billableCharacterCount: inputs.reduce((sum, input) => sum + input.text.replace(/\s/g, '').length, 0),
    },
  });
  return { inputs, render };
}

function embed(call: GoogleCall, input: EmbedInput): Embedded {
  const { model } = call;
  const dimensions = input.dimensions;
  if (dimensions !== undefined && (dimensions < 1 || dimensions > model.embeddingDimensions)) {
    throw fieldError(
      'EmbedContentRequest',
      ['outputDimensionality'],
      `output_dimensionality must be between 1 and ${model.embeddingDimensions}, got ${dimensions}.`,
    );
  }
  const encoder = getEncoder('o200k_base');
  let tokens = encoder.encode(input.text);
  let text = input.text;
  const truncated = tokens.length > model.contextWindow;
  if (truncated && !input.autoTruncate) {
    throw invalidRequest(
      `Unable to submit request because the input token count is ${tokens.length} but the model supports up to ${model.contextWindow}. Reduce the input token count and try again.`,
      input.path.length > 0 ? input.path.join('.') : 'content',
    );
  }
  if (truncated) {
    tokens = tokens.slice(0, model.contextWindow);
    text = encoder.decode(tokens);
  }
  const vector = generateEmbedding(text, model.embeddingDimensions, dimensions);
  return { values: embeddingToNumbers(vector), tokens: tokens.length, truncated };
}
