import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { parseConverseRequest } from './parse-converse-request.js';

const options = { model: 'claude-sonnet', stream: false };
const parse = (body: Record<string, unknown>) => parseConverseRequest(body, options);
const user = (...content: unknown[]) => ({ role: 'user', content });
const assistant = (...content: unknown[]) => ({ role: 'assistant', content });

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('parseConverseRequest', () => {
  it('converts documents (bytes and text), audio and guard content, warning about guard content', () => {
    const { request, warnings } = parse({
      messages: [
        user(
          { document: { format: 'pdf', name: 'report', source: { bytes: 'JVBERi0=' } } },
          { document: { name: 'notes', source: { text: 'plain notes' } } },
          { audio: { format: 'mp3', source: { bytes: 'SUQz' } } },
          { guardContent: { text: { text: 'check me', qualifiers: ['query'] } } },
        ),
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            name: 'report',
            source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
          },
          {
            type: 'document',
            name: 'notes',
            source: {
              type: 'base64',
              mediaType: 'text/plain',
              data: Buffer.from('plain notes').toString('base64'),
            },
          },
          { type: 'audio', data: 'SUQz', format: 'mp3' },
          { type: 'text', text: 'check me' },
        ],
      },
    ]);
    expect(warnings).toEqual([{ type: 'other', message: 'guardContent was sent as plain text' }]);
  });

  it('keeps reasoning history, error tool results with images, and puts tool results before user text', () => {
    const { request } = parse({
      messages: [
        user({ text: 'Draw it' }),
        assistant(
          { reasoningContent: { reasoningText: { text: 'plan', signature: 's1' } } },
          { reasoningContent: { redactedContent: 'b3BhcXVl' } },
          { toolUse: { toolUseId: 't1', name: 'render', input: { shape: 'circle' } } },
        ),
        user(
          { text: 'ok?' },
          {
            toolResult: {
              toolUseId: 't1',
              status: 'error',
              content: [{ text: 'failed' }, { image: { format: 'jpeg', source: { bytes: '/9j/' } } }],
            },
          },
          { cachePoint: { type: 'default', ttl: '1h' } },
        ),
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'plan', signature: 's1' },
          { type: 'reasoning', text: '', redactedData: 'b3BhcXVl' },
          { type: 'tool-call', toolCallId: 't1', toolName: 'render', input: '{"shape":"circle"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 't1',
            toolName: 'render',
            isError: true,
            cacheControl: { ttl: '1h' },
            output: [
              { type: 'text', text: 'failed' },
              { type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: '/9j/' } },
            ],
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'ok?' }] },
    ]);
  });

  it('warns about cache points with nothing cacheable before them, and tool cache points', () => {
    const { request, warnings } = parse({
      messages: [user({ cachePoint: { type: 'default' } }, { text: 'Hi' })],
      toolConfig: {
        tools: [
          { toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } },
          { cachePoint: { type: 'default' } },
        ],
        toolChoice: { auto: {} },
      },
    });
    expect(request.tools).toEqual([{ name: 'f', inputSchema: { type: 'object' } }]);
    expect(request.toolChoice).toEqual({ type: 'auto' });
    expect(warnings.map((warning) => (warning.type === 'other' ? warning.message : ''))).toEqual([
      'cachePoint at messages.1.member.content.1.member follows no text, image, document or tool result and was dropped',
      'cachePoint in toolConfig.tools is not carried to targets',
    ]);
  });

  it('refuses what it cannot carry, naming the field', () => {
    const s3 = errorOf(() =>
      parse({
        messages: [user({ image: { format: 'png', source: { s3Location: { uri: 's3://b/k.png' } } } })],
      }),
    );
    expect(s3).toMatchObject({
      code: 'unsupported_parameter',
      param: 'messages.1.member.content.1.member.image.source.s3Location',
    });
    const systemTool = errorOf(() =>
      parse({
        messages: [user({ text: 'x' })],
        toolConfig: { tools: [{ systemTool: { name: 'nova_grounding' } }] },
      }),
    );
    expect(systemTool).toMatchObject({
      code: 'unsupported_parameter',
      param: 'toolConfig.tools.1.member.systemTool',
    });
    const toolUseFromUser = errorOf(() =>
      parse({ messages: [user({ toolUse: { toolUseId: 'x', name: 'f', input: {} } })] }),
    );
    expect(toolUseFromUser).toMatchObject({
      code: 'unsupported_parameter',
      message: expect.stringContaining('toolUse'),
    });
  });

  it('requires alternating turns, and a non-negative integer top_k', () => {
    expect(errorOf(() => parse({ messages: [user({ text: 'a' }), user({ text: 'b' })] }))).toMatchObject({
      code: 'invalid_request',
      param: 'messages.2.member.role',
    });
    expect(errorOf(() => parse({ messages: [] }))).toMatchObject({
      message: expect.stringContaining('start with a user'),
    });
    expect(
      errorOf(() =>
        parse({ messages: [user({ text: 'a' })], additionalModelRequestFields: { top_k: 'many' } }),
      ),
    ).toMatchObject({ param: 'additionalModelRequestFields.top_k' });
  });

  it('leaves unset fields unset and keeps the stream flag', () => {
    const { request } = parseConverseRequest(
      { messages: [user({ text: 'a' })] },
      { model: 'm', stream: true },
    );
    expect(request).toEqual({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }],
    });
  });
});
