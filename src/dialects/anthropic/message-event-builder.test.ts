import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage } from '../../core/usage.js';
import type { SseEvent } from './block-sequencer.js';
import { BlockSequencer } from './block-sequencer.js';
import { MessageEventBuilder } from './message-event-builder.js';

/** `type:index` (or `type:index:deltaType`) for each event, for compact order assertions. */
function describeEvents(events: readonly SseEvent[]): string[] {
  return events.map((event) => {
    const { index, delta } = event.data as { index?: number; delta?: { type?: string } };
    const parts = [event.event];
    if (index !== undefined) parts.push(String(index));
    if (event.event === 'content_block_delta' && delta?.type !== undefined) parts.push(delta.type);
    return parts.join(':');
  });
}

function run(parts: StreamPart[], stopSequences?: string[]): SseEvent[] {
  const builder = new MessageEventBuilder(
    { id: 'msg_1', model: 'claude' },
    {
      model: 'claude',
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say something please' }] }],
      ...(stopSequences === undefined ? {} : { stopSequences }),
    },
  );
  return parts.flatMap((part) => builder.eventsFor(part));
}

const finish = (raw = 'end_turn'): StreamPart => ({
  type: 'finish',
  usage: { ...emptyUsage(), inputTokens: 8, outputTokens: 2 },
  finishReason: { unified: 'stop', raw },
});

describe('BlockSequencer', () => {
  it('holds a block started while another is open and releases it, with its deltas, when that one stops', () => {
    const blocks = new BlockSequencer();
    const events = [
      ...blocks.start('a', { type: 'text', text: '' }),
      ...blocks.start('b', { type: 'text', text: '' }),
      ...blocks.start('c', { type: 'text', text: '' }),
      ...blocks.delta('b', { type: 'text_delta', text: 'b1' }),
      ...blocks.delta('a', { type: 'text_delta', text: 'a1' }),
      ...blocks.end('b'),
      ...blocks.delta('c', { type: 'text_delta', text: 'c1' }),
      ...blocks.end('a'),
      ...blocks.delta('c', { type: 'text_delta', text: 'c2' }),
      ...blocks.end('c'),
    ];
    expect(describeEvents(events)).toEqual([
      'content_block_start:0',
      'ping',
      'content_block_delta:0:text_delta',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1:text_delta',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_delta:2:text_delta',
      'content_block_delta:2:text_delta',
      'content_block_stop:2',
    ]);
    expect(
      events.filter((event) => event.event === 'content_block_delta').map((event) => event.data['delta']),
    ).toEqual([
      { type: 'text_delta', text: 'a1' },
      { type: 'text_delta', text: 'b1' },
      { type: 'text_delta', text: 'c1' },
      { type: 'text_delta', text: 'c2' },
    ]);
  });

  it('drops deltas for stopped or unknown blocks and closes everything on endAll', () => {
    const blocks = new BlockSequencer();
    blocks.start('a', { type: 'text', text: '' });
    blocks.end('a');
    expect(blocks.delta('a', { type: 'text_delta', text: 'late' })).toEqual([]);
    expect(blocks.delta('nope', { type: 'text_delta', text: 'x' })).toEqual([]);
    blocks.start('b', { type: 'text', text: '' });
    blocks.start('c', { type: 'text', text: '' });
    expect(describeEvents(blocks.endAll())).toEqual([
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_stop:2',
    ]);
  });
});

describe('MessageEventBuilder', () => {
  it('starts the message on the first part even without stream-start, with an input-token estimate', () => {
    const events = run([{ type: 'text-delta', id: 't', delta: 'Hi' }, finish()]);
    expect(describeEvents(events)).toEqual([
      'message_start',
      'content_block_start:0',
      'ping',
      'content_block_delta:0:text_delta',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]?.data).toMatchObject({
      message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 5 } },
    });
  });

  it('finishes a message without content blocks', () => {
    expect(describeEvents(run([{ type: 'stream-start', warnings: [] }, finish()]))).toEqual([
      'message_start',
      'message_delta',
      'message_stop',
    ]);
  });

  it('sends a tool input announced only by tool-call as one delta of the already open block', () => {
    const events = run([
      { type: 'tool-input-start', id: 'call_1', toolName: 'f' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: '{"a":1}' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'finish', usage: emptyUsage(), finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    const delta = events.find((event) => event.event === 'content_block_delta');
    expect(delta?.data['delta']).toEqual({ type: 'input_json_delta', partial_json: '{"a":1}' });
    expect(events.find((event) => event.event === 'message_delta')?.data['delta']).toMatchObject({
      stop_reason: 'tool_use',
    });
  });

  it('reports the stop sequence when it can only be the configured one, and closes blocks left open', () => {
    const events = run([{ type: 'text-start', id: 't' }, finish('stop_sequence')], ['###']);
    expect(describeEvents(events).slice(-3)).toEqual([
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ]);
    expect(events.find((event) => event.event === 'message_delta')?.data['delta']).toEqual({
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
      stop_details: null,
    });
  });
});
