import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { Message, MessageHeaders } from '@smithy/types';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock's ConverseStream and
 * InvokeModelWithResponseStream use it: each message is a 12-byte prelude (total length, headers
 * length, prelude CRC32), typed headers, a payload, and a message CRC32. Encoding and per-message
 * decoding (with both CRC checks) are done by `@smithy/eventstream-codec`; this file adds the
 * incremental framing over a byte stream and the helpers for JSON events and exceptions.
 */

export interface EventStreamMessage {
  /** String-valued headers (`:event-type`, `:message-type`, `:content-type`, `:exception-type` …). */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A frame that cannot be decoded: bad length, CRC mismatch, truncated stream. */
export class EventStreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStreamError';
  }
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PRELUDE_LENGTH = 12;
const MINIMUM_MESSAGE_LENGTH = 16;
/** Bedrock chunks are small; a frame claiming more than this is corrupt, not large. */
const MAXIMUM_MESSAGE_LENGTH = 16 * 1024 * 1024;

function toMessageHeaders(headers: Record<string, string>): MessageHeaders {
  const result: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) result[name] = { type: 'string', value };
  return result;
}

function fromMessage(message: Message): EventStreamMessage {
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) {
    headers[name] = header.type === 'string' ? header.value : String(header.value);
  }
  return { headers, body: message.body };
}

export function encodeEventStreamMessage(message: EventStreamMessage): Uint8Array {
  return codec.encode({ headers: toMessageHeaders(message.headers), body: message.body });
}

/**
 * One JSON event, e.g. `encodeEvent('contentBlockDelta', {contentBlockIndex: 0, delta: {text: 'Hi'}})`.
 */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeEventStreamMessage({
    headers: { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An in-stream exception, e.g. `encodeException('throttlingException', 'Too many requests')`. */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamMessage({
    headers: {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/**
 * Splits a byte stream into messages as bytes arrive. Chunks may cut messages anywhere; a message
 * is decoded (and its CRCs checked) as soon as all its bytes are present.
 *
 * @example
 * const decoder = new EventStreamDecoder();
 * for (const message of decoder.push(chunk)) handle(message);
 * decoder.end(); // throws if a partial message is left
 */
export class EventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): EventStreamMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const messages: EventStreamMessage[] = [];
    while (this.buffer.length >= PRELUDE_LENGTH) {
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      const total = view.getUint32(0, false);
      if (total < MINIMUM_MESSAGE_LENGTH || total > MAXIMUM_MESSAGE_LENGTH) {
        throw new EventStreamError(`invalid event-stream message length ${total}`);
      }
      if (this.buffer.length < total) break;
      const frame = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      try {
        messages.push(fromMessage(codec.decode(frame)));
      } catch (error: unknown) {
        throw new EventStreamError(
          `corrupt event-stream message: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    return messages;
  }

  /** Call when the byte stream ended; a leftover partial message means the stream was cut. */
  end(): void {
    if (this.buffer.length > 0) {
      throw new EventStreamError(`event stream ended inside a message (${this.buffer.length} bytes left)`);
    }
  }
}

/** Decodes a whole body stream into messages, lazily. */
export async function* decodeEventStream(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<EventStreamMessage> {
  const decoder = new EventStreamDecoder();
  for await (const chunk of body) yield* decoder.push(chunk);
  decoder.end();
}

/** Parses a JSON message body; throws EventStreamError when it is not JSON. */
export function readJsonBody(message: EventStreamMessage): unknown {
  try {
    return JSON.parse(toUtf8(message.body));
  } catch (error: unknown) {
    throw new EventStreamError('event-stream message body is not JSON', { cause: error });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
