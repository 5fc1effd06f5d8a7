import type { Socket } from 'node:net';

/** What every prior-knowledge HTTP/2 client sends first (RFC 9113 §3.4). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type SniffedProtocol = 'h2' | 'http1';

/** Hands the socket on; what was read is already back in the socket's buffer, and the socket is paused. */
export type SniffDecision = (protocol: SniffedProtocol) => void;

/**
 * Reads just enough of a new connection to tell HTTP/2 with prior knowledge from HTTP/1.x: the first
 * byte that departs from the 24-byte preface means HTTP/1; all 24 bytes mean HTTP/2. A preface split
 * across packets (or dribbled byte by byte) keeps waiting. The bytes read are `unshift`ed back so the
 * chosen server parses them itself. A connection that neither completes nor breaks the preface within
 * `timeoutMs`, or ends first, is destroyed: an open socket that never speaks is a slowloris, not a client.
 * @returns a function that cancels the sniff (the socket is left as it is).
 * @example sniffHttp2Preface(socket, 10_000, (protocol) => route(socket, protocol))
 */
export function sniffHttp2Preface(socket: Socket, timeoutMs: number, decide: SniffDecision): () => void {
  let seen: Buffer = Buffer.alloc(0);
  const stop = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('error', onError);
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, HTTP2_PREFACE.length);
    const matches = seen.compare(HTTP2_PREFACE, 0, compared, 0, compared) === 0;
    if (matches && seen.length < HTTP2_PREFACE.length) return;
    stop();
    socket.pause();
    socket.unshift(seen);
    decide(matches ? 'h2' : 'http1');
  };
  const onEnd = (): void => {
    stop();
    socket.destroy();
  };
  // Resets during the sniff are routine (port scanners, health probes); they must not crash the process.
  const onError = (): void => {
    stop();
    socket.destroy();
  };
  const timer = setTimeout(onEnd, timeoutMs);
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
  return stop;
}
