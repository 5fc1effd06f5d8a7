import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEventStream,
  EventStreamDecoder,
  EventStreamError,
  encodeEvent,
  encodeEventStreamMessage,
  encodeException,
  readJsonBody,
} from './event-stream.js';

const headerName = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((name) => Buffer.byteLength(name) <= 255);
const message = fc.record({
  headers: fc.dictionary(headerName, fc.string({ maxLength: 200 }), { maxKeys: 6 }),
  body: fc.uint8Array({ maxLength: 2048 }),
});

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(Math.max(cut, start), bytes.length);
    yield bytes.subarray(start, at);
    start = at;
  }
  yield bytes.subarray(start);
}

describe('AWS event-stream codec', () => {
  it('round-trips arbitrary headers and payloads, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(20_000)),
        async (messages, cuts) => {
          const bytes = Buffer.concat(messages.map((one) => encodeEventStreamMessage(one)));
          const decoded = [];
          for await (const one of decodeEventStream(chunksOf(bytes, cuts))) decoded.push(one);
          expect(decoded.map((one) => ({ headers: one.headers, body: Buffer.from(one.body) }))).toEqual(
            messages.map((one) => ({ headers: one.headers, body: Buffer.from(one.body) })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fails the CRC check with a clear error when any bit is flipped', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.nat(7), (one, position, bit) => {
        const bytes = Uint8Array.from(encodeEventStreamMessage(one));
        const index = position % bytes.length;
        // Flipping a bit of the total-length field can make the frame look longer than it is:
        // then the decoder waits for more bytes, and `end()` reports the truncation instead.
        bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
        const decoder = new EventStreamDecoder();
        expect(() => {
          decoder.push(bytes);
          decoder.end();
        }).toThrow(EventStreamError);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes JSON events and exceptions with the headers Bedrock clients expect', () => {
    const [event] = new EventStreamDecoder().push(
      encodeEvent('contentBlockDelta', { delta: { text: 'Hi' } }),
    );
    expect(event?.headers).toEqual({
      ':event-type': 'contentBlockDelta',
      ':content-type': 'application/json',
      ':message-type': 'event',
    });
    expect(event && readJsonBody(event)).toEqual({ delta: { text: 'Hi' } });
    const [exception] = new EventStreamDecoder().push(encodeException('throttlingException', 'slow down'));
    expect(exception?.headers[':message-type']).toBe('exception');
    expect(exception?.headers[':exception-type']).toBe('throttlingException');
    expect(exception && readJsonBody(exception)).toEqual({ message: 'slow down' });
  });

  it('reports a stream cut inside a message', () => {
    const bytes = encodeEvent('messageStop', { stopReason: 'end_turn' });
    const decoder = new EventStreamDecoder();
    expect(decoder.push(bytes.subarray(0, bytes.length - 3))).toEqual([]);
    expect(() => decoder.end()).toThrow(/ended inside a message/);
  });
});
