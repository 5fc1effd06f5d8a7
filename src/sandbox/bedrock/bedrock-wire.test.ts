import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventStream, readJsonBody } from '../../aws/event-stream.js';
import { type RunningSandbox, startSandbox } from '../index.js';
import { SANDBOX_BEDROCK_API_KEY } from './bedrock-sandbox-options.js';

/** What non-SDK clients see on the wire: hand-written URLs, raw headers and raw event-stream frames. */
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
});
afterAll(() => sandbox.close());

const BEARER = { authorization: `Bearer ${SANDBOX_BEDROCK_API_KEY}`, 'content-type': 'application/json' };
const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello wire' }] }] });

function post(path: string, headers: Record<string, string> = BEARER, payload = body): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, { method: 'POST', headers, body: payload });
}

describe('Bedrock Runtime on the wire', () => {
  it('accepts the model id with a literal colon or percent-encoded, and a percent-encoded ARN', async () => {
    const literal = await post('/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse');
    const encoded = await post('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    const arn = encodeURIComponent(
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
    );
    const viaArn = await post(`/model/${arn}/converse`);
    expect([literal.status, encoded.status, viaArn.status]).toEqual([200, 200, 200]);
    expect(literal.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(literal.headers.get('content-type')).toBe('application/json');
    const texts = await Promise.all(
      [literal, encoded, viaArn].map(
        async (response) => ((await response.json()) as { output: unknown }).output,
      ),
    );
    expect(texts[1]).toEqual(texts[0]);
    expect(texts[2]).toEqual(texts[0]);
  });

  it('renders errors with x-amzn-ErrorType and a {"message"} body', async () => {
    const missing = await post('/model/anthropic.claude-0-v1:0/converse');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe(
      'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(await missing.json()).toEqual({
      message: 'Could not resolve the foundation model from the provided model identifier.',
    });
    const anonymous = await post('/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse', {
      'content-type': 'application/json',
    });
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    const twoErrors = await post(
      '/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse',
      BEARER,
      JSON.stringify({
        messages: [{ role: 'system', content: [{ text: 'x' }] }],
        inferenceConfig: { topP: 2 },
      }),
    );
    expect(twoErrors.status).toBe(400);
    expect(((await twoErrors.json()) as { message: string }).message).toBe(
      "2 validation errors detected: Value 'system' at 'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]; Value '2' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or equal to 1",
    );
    const unknownOperation = await post('/model/anthropic.claude-3-5-haiku-20241022-v1:0/teleport');
    expect(unknownOperation.status).toBe(404);
    expect(unknownOperation.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('streams event-stream frames with padding, no start event for text, and a union-safe delta', async () => {
    const response = await post('/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse-stream');
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const frames = [];
    for await (const message of decodeEventStream(response.body as AsyncIterable<Uint8Array>))
      frames.push(message);
    const names = frames.map((frame) => frame.headers[':event-type']);
    expect(names[0]).toBe('messageStart');
    expect(names).not.toContain('contentBlockStart');
    expect(names.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    for (const frame of frames) {
      expect(frame.headers[':message-type']).toBe('event');
      expect(frame.headers[':content-type']).toBe('application/json');
      const payload = readJsonBody(frame) as Record<string, unknown>;
      expect(payload['p']).toMatch(/^[a-zA-Z0-9]+$/);
    }
    const delta = readJsonBody(frames[1] ?? { headers: {}, body: new Uint8Array() }) as Record<
      string,
      unknown
    >;
    expect(Object.keys(delta['delta'] as object)).toEqual(['text']);
  });
});
