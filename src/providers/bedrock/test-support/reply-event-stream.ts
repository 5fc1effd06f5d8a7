import { readFileSync } from 'node:fs';
import { encodeEvent, encodeEventStreamMessage } from '../../../aws/event-stream.js';
import type { FixtureHandler } from '../../test-support/fixture-server.js';

/** One line of a `*.events.json` fixture: an event, an exception, or an unmodelled error message. */
export type EventFixture =
  | { event: string; payload: unknown }
  | { exception: string; payload: unknown }
  | { error: string; message: string };

/**
 * Encodes a readable fixture (`__fixtures__/bedrock-*.events.json`) into the binary
 * `application/vnd.amazon.eventstream` body Bedrock would send, with the real framing and CRCs.
 *
 * @example
 * const body = encodeEventFixture(readEventFixture(import.meta.url, 'bedrock-text.events.json'));
 */
export function encodeEventFixture(events: EventFixture[]): Uint8Array {
  return Buffer.concat(events.map((item) => encodeFixtureItem(item)));
}

function encodeFixtureItem(item: EventFixture): Uint8Array {
  if ('event' in item) return encodeEvent(item.event, item.payload);
  if ('exception' in item) {
    return encodeEventStreamMessage({
      headers: {
        ':exception-type': item.exception,
        ':content-type': 'application/json',
        ':message-type': 'exception',
      },
      body: Buffer.from(JSON.stringify(item.payload)),
    });
  }
  return encodeEventStreamMessage({
    headers: { ':message-type': 'error', ':error-code': item.error, ':error-message': item.message },
    body: new Uint8Array(0),
  });
}

export function readEventFixture(testFileUrl: string, name: string): EventFixture[] {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, testFileUrl), 'utf8')) as EventFixture[];
}

export interface ReplyEventStreamOptions {
  /** Write the body in pieces of this many bytes, splitting frames across TCP writes. */
  pieceBytes?: number;
  /** Stop after this many bytes and destroy the connection: a stream cut mid-way. */
  cutAfterBytes?: number;
  /** Send the first bytes, then keep the response open until the client goes away. */
  hangAfterBytes?: number;
  /** Send everything, then end the response only once this settles. */
  endWhen?: Promise<void>;
}

/** Replays an event-stream body as ConverseStream does: 200, `application/vnd.amazon.eventstream`. */
export function replyEventStream(body: Uint8Array, options: ReplyEventStreamOptions = {}): FixtureHandler {
  return async (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'e5e8a1f4-stream-0000-0000-000000000001',
    });
    const limit = options.cutAfterBytes ?? options.hangAfterBytes ?? body.length;
    const pieceBytes = options.pieceBytes ?? body.length;
    for (let offset = 0; offset < limit; offset += pieceBytes) {
      const piece = body.subarray(offset, Math.min(offset + pieceBytes, limit));
      await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    }
    if (options.cutAfterBytes !== undefined) response.socket?.destroy();
    else if (options.hangAfterBytes === undefined) {
      await options.endWhen;
      response.end();
    }
  };
}
