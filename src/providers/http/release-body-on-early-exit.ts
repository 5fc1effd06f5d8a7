import type { StreamPart } from '../../core/stream-part.js';

/** An upstream response body that can be read as bytes and destroyed. */
export type StreamBody = AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown };

/** Set `complete` once the upstream's terminal event arrived, so the body is drained, not destroyed. */
export interface StreamControl {
  complete: boolean;
}

/**
 * Wraps a provider's part generator so that a consumer stopping early (`return()`/`throw()`)
 * destroys the upstream body — freeing the socket even when the generator never started or is still
 * waiting on it — while a stream that reached its terminal event keeps its keep-alive connection.
 *
 * @example
 * return releaseBodyOnEarlyExit(body, (control) => streamParts(body, options, control));
 */
export function releaseBodyOnEarlyExit(
  body: StreamBody,
  start: (control: StreamControl) => AsyncGenerator<StreamPart>,
): AsyncIterable<StreamPart> {
  const control: StreamControl = { complete: false };
  const generator = start(control);
  const stop = () => {
    if (!control.complete) body.destroy();
  };
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => generator.next(),
      return: (value?: unknown) => {
        stop();
        return generator.return(value as undefined);
      },
      throw: (error?: unknown) => {
        stop();
        return generator.throw(error);
      },
    }),
  };
}
