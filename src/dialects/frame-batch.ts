import type { RawResponse } from './dialect-writer.js';

/** Wire bytes of a stream: SSE text or binary event-stream messages. */
export type WireChunk = string | Uint8Array;

/** The one write signature HTTP/1.1 and HTTP/2 responses share. */
type ChunkSink = { write(chunk: WireChunk): boolean; end(chunk?: WireChunk): unknown };

/** Past this many pending bytes (UTF-16 units for text) a batch is written at once. */
const FLUSH_THRESHOLD = 64 * 1024;

/**
 * True once the response can take no more bytes: the client went away or it was ended.
 *
 * @example
 * if (isGone(response)) return;
 */
export function isGone(response: RawResponse): boolean {
  return response.destroyed || response.writableEnded;
}

/** Resolves when the socket buffer drained or the response closed, whichever comes first. */
function drained(response: RawResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * Gathers a stream's frames and writes them with one `write` per event-loop turn: the flush runs
 * on `process.nextTick`, after the microtasks that turned one upstream read into parts, so the
 * frames of one read leave together (and a big read is cut at 64 KiB). While the socket buffer is
 * full nothing is written and `backpressure` holds the promise of the next `drain` (or close).
 *
 * @example
 * const batch = new FrameBatch(response);
 * batch.add('data: {"a":1}\n\n');
 * batch.add('data: {"a":2}\n\n'); // both go out in one write after this turn's microtasks
 * if (batch.backpressure !== undefined) await batch.backpressure;
 */
export class FrameBatch {
  private text = '';
  private bytes: Uint8Array[] = [];
  private byteLength = 0;
  private scheduled = false;
  private waiting: Promise<void> | undefined;
  private written = false;
  /** A write that threw where no caller could catch it (the end-of-turn flush). */
  private failure: { error: unknown } | undefined;

  constructor(private readonly response: RawResponse) {}

  /** True once a write (or the end) went to the response, headers with it. */
  get hasWritten(): boolean {
    return this.written;
  }

  /** Set while the client is behind: resolves once it drained (or left), `undefined` otherwise. */
  get backpressure(): Promise<void> | undefined {
    return this.waiting;
  }

  /** Queues one frame; it is written at the end of this turn, in order. */
  add(frame: WireChunk): void {
    if (frame.length === 0) return;
    if (typeof frame === 'string' && this.bytes.length === 0) this.text += frame;
    else {
      if (this.text !== '') this.pushBytes(Buffer.from(this.text));
      this.text = '';
      this.pushBytes(typeof frame === 'string' ? Buffer.from(frame) : frame);
    }
    if (this.text.length + this.byteLength >= FLUSH_THRESHOLD) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushScheduled);
    }
  }

  /** Ends the response with what is still pending followed by `tail`, unless the client is gone. */
  end(tail: WireChunk = ''): void {
    this.add(tail);
    const chunk = this.take();
    if (isGone(this.response)) return;
    const sink: ChunkSink = this.response;
    this.written = true;
    if (chunk === undefined) sink.end();
    else sink.end(chunk);
  }

  private pushBytes(frame: Uint8Array): void {
    this.bytes.push(frame);
    this.byteLength += frame.length;
  }

  /** Throws what the last end-of-turn flush threw, so the writer's own error handling sees it. */
  rethrowFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    try {
      this.flush();
    } catch (error: unknown) {
      // Thrown outside the writer's try: keep it for the writer and stop the response.
      this.failure = { error };
      this.response.destroy();
    }
  };

  private flush(): void {
    if (this.waiting !== undefined || isGone(this.response)) return;
    const chunk = this.take();
    if (chunk === undefined) return;
    const sink: ChunkSink = this.response;
    this.written = true;
    if (sink.write(chunk) || isGone(this.response)) return;
    this.waiting = drained(this.response).then(() => {
      this.waiting = undefined;
      this.flush();
    });
  }

  /** Removes and returns everything pending as one chunk. */
  private take(): WireChunk | undefined {
    if (this.bytes.length === 0) {
      const text = this.text;
      this.text = '';
      return text === '' ? undefined : text;
    }
    const bytes = this.bytes;
    this.bytes = [];
    this.byteLength = 0;
    return bytes.length === 1 ? bytes[0] : Buffer.concat(bytes);
  }
}
