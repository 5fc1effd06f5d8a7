import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { ANTHROPIC_KEY, startAnthropicFixture } from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = () => new Anthropic({ baseURL: fixture.url, apiKey: ANTHROPIC_KEY, maxRetries: 0 });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];

/** A text stream cut after its first delta: stream-start, text-start, one delta. */
function cutStream(delta: string): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta },
  ];
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('streams that fail or are abandoned', () => {
  it('turns a mid-stream upstream failure into an error event the SDK iterator throws', async () => {
    const error = new UpstreamError('Overloaded', { url: 'https://upstream.test', statusCode: 529 });
    fixture.provider.enqueue({
      type: 'stream',
      parts: [...cutStream('partial'), { type: 'error', error }],
    });
    const { data: stream, response } = await client()
      .messages.create({ model, max_tokens: 64, messages: hello, stream: true })
      .withResponse();
    let text = '';
    const thrown = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
      }
    })().catch((caught: unknown) => caught);
    expect(text).toBe('partial');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect(thrown).toMatchObject({ type: 'overloaded_error', error: { error: { message: 'Overloaded' } } });
    const requestId = response.headers.get('x-converge-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', httpStatus: 200 });
  });

  it('answers a stream that fails before its first part with an HTTP error the SDK can retry', async () => {
    const error = new UpstreamError('Overloaded', {
      url: 'https://upstream.test',
      statusCode: 529,
      retryAfterMs: 1_000,
    });
    fixture.provider.enqueue({ type: 'stream', parts: [{ type: 'error', error }] });
    const thrown = await client()
      .messages.create({ model, max_tokens: 64, messages: hello, stream: true })
      .catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Anthropic.OverloadedError);
    expect(thrown).toMatchObject({ status: 529, type: 'overloaded_error' });
    const headers = (thrown as InstanceType<typeof Anthropic.APIError>).headers;
    expect(headers?.get('retry-after')).toBe('1');
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === headers?.get('x-converge-request-id'),
    );
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', httpStatus: 529 });
  });

  it('reports a stream that ends without finishing as an api_error event', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: cutStream('cut') });
    const stream = await client().messages.create({ model, max_tokens: 64, messages: hello, stream: true });
    const thrown = await collect(stream).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect(thrown).toMatchObject({ type: 'api_error' });
  });

  it('stops and cancels the upstream when the client aborts, recording a cancelled row', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: cutStream('first'), ending: 'hang' });
    const outcome = fixture.provider.nextStreamOutcome();
    const controller = new AbortController();
    const { data: stream, response } = await client()
      .messages.create(
        { model, max_tokens: 64, messages: hello, stream: true },
        { signal: controller.signal },
      )
      .withResponse();
    const requestId = response.headers.get('x-converge-request-id');
    await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta') controller.abort();
      }
    })().catch(() => undefined);
    expect(await outcome).toEqual({ completed: false, returnedEarly: false, aborted: true });
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'cancelled', errorCode: 'cancelled', usageEstimated: true });
  });
});
