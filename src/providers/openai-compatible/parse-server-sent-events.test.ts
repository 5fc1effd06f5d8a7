import { describe, expect, it } from 'vitest';
import { parseServerSentEvents, type ServerSentEvent } from './parse-server-sent-events.js';

async function parse(...pieces: Array<string | Uint8Array>): Promise<ServerSentEvent[]> {
  const encoder = new TextEncoder();
  async function* body() {
    for (const piece of pieces) yield typeof piece === 'string' ? encoder.encode(piece) : piece;
  }
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(body())) events.push(event);
  return events;
}

const data = (value: string, extra: Partial<ServerSentEvent> = {}): ServerSentEvent => ({
  event: undefined,
  id: undefined,
  data: value,
  ...extra,
});

describe('parseServerSentEvents', () => {
  it('dispatches one event per blank line', async () => {
    expect(await parse('data: a\n\ndata: b\n\n')).toEqual([data('a'), data('b')]);
  });

  it('accepts \\r\\n and bare \\r line endings', async () => {
    expect(await parse('data: a\r\n\r\ndata: b\r\rdata: c\n\n')).toEqual([data('a'), data('b'), data('c')]);
  });

  it('keeps a \\r\\n split across two chunks as one line ending', async () => {
    expect(await parse('data: a\r', '\n\r', '\ndata: b\r\n\r\n')).toEqual([data('a'), data('b')]);
  });

  it('reassembles events and field names split anywhere across chunks', async () => {
    const text = 'data: {"x":1}\n\ndata: {"y":2}\n\n';
    for (let split = 1; split < text.length; split++) {
      expect(await parse(text.slice(0, split), text.slice(split))).toEqual([
        data('{"x":1}'),
        data('{"y":2}'),
      ]);
    }
  });

  it('joins multi-line data with \\n and strips only one leading space', async () => {
    expect(await parse('data: line one\ndata:line two\ndata:  indented\n\n')).toEqual([
      data('line one\nline two\n indented'),
    ]);
  });

  it('ignores comments, unknown fields and events without data; reads event and id', async () => {
    expect(await parse(': keep-alive\n\nretry: 10\nfoo: bar\n\nevent: error\nid: 7\ndata: {}\n\n')).toEqual([
      data('{}', { event: 'error', id: '7' }),
    ]);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo 😀\n\n');
    expect(await parse(bytes.subarray(0, 8), bytes.subarray(8, 15), bytes.subarray(15))).toEqual([
      data('héllo 😀'),
    ]);
  });

  it('strips a leading byte-order mark', async () => {
    expect(await parse('\uFEFFdata: a\n\n')).toEqual([data('a')]);
  });

  it('dispatches a last event whose blank line never came (a server closing after data: [DONE])', async () => {
    expect(await parse('data: a\n\ndata: [DONE]\n')).toEqual([data('a'), data('[DONE]')]);
    expect(await parse('data: [DONE]')).toEqual([data('[DONE]')]);
  });
});
