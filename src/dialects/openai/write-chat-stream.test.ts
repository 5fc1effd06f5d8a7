import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage } from '../../core/usage.js';
import { makeTestContext } from '../../test-support/make-test-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { openAIFlavor } from './openai-flavor.js';
import { writeChatStream } from './write-chat-stream.js';

/** A response whose socket buffer is "full" until the test emits `drain`. */
class FakeResponse extends EventEmitter {
  readonly written: string[] = [];
  destroyed = false;
  writableEnded = false;
  full = true;

  writeHead(): this {
    return this;
  }

  write(chunk: string): boolean {
    this.written.push(chunk);
    return !this.full;
  }

  end(chunk?: string): void {
    if (chunk !== undefined) this.written.push(chunk);
    this.writableEnded = true;
  }
}

const fakeContext = () => makeTestContext({ requestId: '00000000-0000-0000-0000-000000000001' });

/**
 * A stream that counts how many parts were pulled and whether it was closed early. Each part is
 * its own upstream read: the generator waits a turn of the event loop before the next one.
 */
function countingStream(parts: StreamPart[]) {
  const state = { pulled: 0, closedEarly: false };
  async function* generate() {
    let finished = false;
    try {
      for (const part of parts) {
        state.pulled++;
        yield part;
        await new Promise((resolve) => setImmediate(resolve));
      }
      finished = true;
    } finally {
      state.closedEarly = !finished;
    }
  }
  return { state, stream: generate() };
}

const turns = async (count: number) => {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
};

const parts: StreamPart[] = [
  { type: 'text-delta', id: 't', delta: 'a' },
  { type: 'text-delta', id: 't', delta: 'b' },
  { type: 'finish', usage: emptyUsage(), finishReason: { unified: 'stop', raw: 'stop' } },
];

describe('writeChatStream backpressure', () => {
  it('pulls no further part once the socket buffer is full, and resumes on drain', async () => {
    const response = new FakeResponse();
    const { state, stream } = countingStream(parts);
    const writing = writeChatStream(response as unknown as RawResponse, fakeContext(), stream, {
      flavor: openAIFlavor,
      includeUsage: false,
    });
    await turns(5);
    // The first read (role chunk + 'a', one write) filled the buffer; the read in flight then is
    // held back, and nothing more is pulled until the drain.
    expect(response.written).toHaveLength(1);
    expect(response.written[0]).toMatch(/^data: .*"role":"assistant".*\n\ndata: .*"content":"a".*\n\n$/);
    expect(state.pulled).toBe(2);
    await turns(5);
    expect(state.pulled).toBe(2);
    response.full = false;
    response.emit('drain');
    await writing;
    expect(state.pulled).toBe(3);
    expect(response.written.join('')).toMatch(
      /"content":"b".*\n\n.*"finish_reason":"stop".*\n\ndata: \[DONE\]\n\n$/s,
    );
    expect(response.writableEnded).toBe(true);
  });

  it('stops and closes the stream when the client goes away while waiting', async () => {
    const response = new FakeResponse();
    const { state, stream } = countingStream(parts);
    const writing = writeChatStream(response as unknown as RawResponse, fakeContext(), stream, {
      flavor: openAIFlavor,
      includeUsage: false,
    });
    await turns(5);
    response.destroyed = true;
    response.emit('close');
    await writing;
    expect(state.closedEarly).toBe(true);
    expect(state.pulled).toBe(2);
    expect(response.writableEnded).toBe(false);
  });
});
