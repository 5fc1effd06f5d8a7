import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HTTP2_PREFACE, type SniffedProtocol, sniffHttp2Preface } from './sniff-http2-preface.js';

/** A PassThrough has every Socket member the sniffer touches (data/end/error, pause, unshift, destroy). */
function fakeSocket(): PassThrough {
  return new PassThrough();
}

function sniff(socket: PassThrough, timeoutMs = 60_000): { decided: SniffedProtocol[] } {
  const state = { decided: [] as SniffedProtocol[] };
  sniffHttp2Preface(socket as unknown as Socket, timeoutMs, (protocol) => state.decided.push(protocol));
  return state;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('sniffHttp2Preface', () => {
  it('waits through a preface dribbled byte by byte, then picks h2 and gives every byte back', async () => {
    const socket = fakeSocket();
    const state = sniff(socket);
    const input = Buffer.concat([HTTP2_PREFACE, Buffer.from('frames')]);
    for (let index = 0; index < HTTP2_PREFACE.length - 1; index++) {
      socket.write(input.subarray(index, index + 1));
      await tick();
      expect(state.decided).toEqual([]);
    }
    socket.write(input.subarray(HTTP2_PREFACE.length - 1));
    await tick();
    expect(state.decided).toEqual(['h2']);
    expect(socket.isPaused()).toBe(true);
    expect(socket.read()?.toString('latin1')).toBe(input.toString('latin1'));
  });

  it('picks HTTP/1 at the first byte that departs from the preface', async () => {
    const get = fakeSocket();
    const getState = sniff(get);
    get.write('G');
    await tick();
    expect(getState.decided).toEqual(['http1']);
    expect(get.read()?.toString()).toBe('G');

    const post = fakeSocket();
    const postState = sniff(post);
    post.write('P');
    await tick();
    expect(postState.decided).toEqual([]);
    post.write('OST / HTTP/1.1\r\n');
    await tick();
    expect(postState.decided).toEqual(['http1']);
    expect(post.read()?.toString()).toBe('POST / HTTP/1.1\r\n');
  });

  it('destroys a connection that stalls inside the preface', async () => {
    const socket = fakeSocket();
    const state = sniff(socket, 5);
    socket.write('PRI * HTTP/2.0');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(socket.destroyed).toBe(true);
    expect(state.decided).toEqual([]);
  });

  it('destroys a connection that ends before showing its protocol', async () => {
    const socket = fakeSocket();
    const state = sniff(socket);
    socket.end('PRI');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(state.decided).toEqual([]);
  });
});
