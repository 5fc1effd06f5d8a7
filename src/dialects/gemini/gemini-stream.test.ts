import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import {
  GEMINI_KEY,
  type GeminiFixture,
  startGeminiFixture,
} from '../../test-support/start-gemini-fixture.js';

let fixture: GeminiFixture;
beforeAll(async () => {
  fixture = await startGeminiFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = () => new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl: fixture.url } });
const usage = { ...emptyUsage(), inputTokens: 9, outputTokens: 4 };

function textStream(...deltas: string[]): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [], modelId: 'gemini-2.0-flash-001' },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
  ];
}

/** Runs a stream to its end (or its throw) and returns the chunks and what it threw. */
async function drain<T>(stream: AsyncGenerator<T>): Promise<{ chunks: T[]; thrown: unknown }> {
  const chunks: T[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks, thrown: undefined };
  } catch (error: unknown) {
    return { chunks, thrown: error };
  }
}

describe('streamGenerateContent through @google/genai', () => {
  it('streams one chunk per delta, the final chunk carrying finishReason and usage', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hel', 'lo', ' there') });
    const stream = await client().models.generateContentStream({ model: 'flash', contents: 'Hi' });
    const { chunks, thrown } = await drain(stream);
    expect(thrown).toBeUndefined();
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('Hello there');
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      undefined,
      'STOP',
    ]);
    expect(chunks.map((chunk) => chunk.usageMetadata)).toEqual([
      undefined,
      undefined,
      undefined,
      { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 },
    ]);
    const requestId = chunks[0]?.sdkHttpResponse?.headers?.['x-converge-request-id'];
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ modelVersion: 'gemini-2.0-flash-001', responseId: requestId });
    expect(fixture.provider.lastRequest().stream).toBe(true);
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', stream: true, inputTokens: 9, outputTokens: 4 });
  });

  it('emits a tool call whole when it is complete, never its argument fragments', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'hmm' },
        { type: 'reasoning-end', id: 'r', signature: 'sig-7' },
        { type: 'tool-input-start', id: 'call_1', toolName: 'lookup' },
        { type: 'tool-input-delta', id: 'call_1', delta: '{"q":' },
        { type: 'tool-input-delta', id: 'call_1', delta: '"x"}' },
        { type: 'tool-input-end', id: 'call_1' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: '{"q":"x"}' },
        { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
      ],
    });
    const stream = await client().models.generateContentStream({ model: 'flash', contents: 'Look it up' });
    const { chunks } = await drain(stream);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts)).toEqual([
      [{ functionCall: { id: 'call_1', name: 'lookup', args: { q: 'x' } }, thoughtSignature: 'sig-7' }],
      [{ text: '' }],
    ]);
    expect(chunks[1]?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('turns a mid-stream error into an error frame the SDK throws as ApiError', async () => {
    const error = new UpstreamError('The upstream cut the stream.', {
      url: 'https://upstream.test',
      statusCode: 503,
    });
    fixture.provider.enqueue({
      type: 'stream',
      parts: [...textStream('partial').slice(0, 3), { type: 'error', error }],
    });
    const stream = await client().models.generateContentStream({ model: 'flash', contents: 'Hi' });
    const { chunks, thrown } = await drain(stream);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('partial');
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: 503 });
    expect(String((thrown as ApiError).message)).toContain('UNAVAILABLE');
    expect(String((thrown as ApiError).message)).toContain('upstream_unavailable');
    const requestId = chunks[0]?.sdkHttpResponse?.headers?.['x-converge-request-id'];
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', httpStatus: 200 });
  });

  it('reports a stream that ends without finishing as an error, not a silent end', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('cut').slice(0, 3) });
    const stream = await client().models.generateContentStream({ model: 'flash', contents: 'Hi' });
    const { thrown } = await drain(stream);
    expect(thrown).toBeInstanceOf(ApiError);
    expect(String((thrown as ApiError).message)).toContain('upstream_bad_response');
  });

  it('stops and cancels the upstream when the client aborts, recording a cancelled row', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('first').slice(0, 3), ending: 'hang' });
    const outcome = fixture.provider.nextStreamOutcome();
    const controller = new AbortController();
    const stream = await client().models.generateContentStream({
      model: 'flash',
      contents: 'Hi',
      config: { abortSignal: controller.signal },
    });
    let requestId: string | undefined;
    await (async () => {
      for await (const chunk of stream) {
        requestId = chunk.sdkHttpResponse?.headers?.['x-converge-request-id'];
        if (chunk.text === 'first') controller.abort();
      }
    })().catch(() => undefined);
    expect(await outcome).toEqual({ completed: false, returnedEarly: false, aborted: true });
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'cancelled', errorCode: 'cancelled', usageEstimated: true });
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});

describe('the raw stream wire formats', () => {
  const post = (query: string) =>
    fetch(`${fixture.url}/v1beta/models/gemini-2.0-flash:streamGenerateContent${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': GEMINI_KEY },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });

  it('alt=sse: data-only events ending in CRLF CRLF, no event names, no [DONE]', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('A', 'B') });
    const response = await post('?alt=sse');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const events = text.split('\r\n\r\n');
    expect(events.pop()).toBe('');
    expect(events).toHaveLength(3);
    for (const event of events) expect(event).toMatch(/^data: \{/);
    expect(text).not.toContain('event:');
    expect(text).not.toContain('[DONE]');
  });

  it('without alt=sse: one JSON array of responses, streamed element by element', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('A', 'B') });
    const response = await post('');
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const text = await response.text();
    expect(text.startsWith('[{')).toBe(true);
    expect(text.endsWith('}]')).toBe(true);
    expect(text.split(',\r\n{')).toHaveLength(3);
    const chunks = JSON.parse(text) as Array<{
      candidates: Array<{ content: { parts: Array<{ text: string }> } }>;
    }>;
    expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text)).toEqual(['A', 'B', '']);
  });

  it('without alt=sse: a mid-stream error closes the array with an error element', async () => {
    const error = new UpstreamError('boom', { url: 'https://upstream.test', statusCode: 500 });
    fixture.provider.enqueue({
      type: 'stream',
      parts: [...textStream('A').slice(0, 3), { type: 'error', error }],
    });
    const chunks = JSON.parse(await (await post('')).text()) as unknown[];
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE', message: 'boom' } });
  });
});
