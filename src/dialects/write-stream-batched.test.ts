import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import type { StreamPart } from '../core/stream-part.js';
import { makeTestContext } from '../test-support/make-test-context.js';
import type { RawResponse } from './dialect-writer.js';
import { type StreamFramer, writeStreamBatched } from './write-stream-batched.js';

const fakeContext = () => makeTestContext();

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Frames text deltas as `<delta>|`, closes with `END`, fails with `ERR:<message>`. */
const textFramer: StreamFramer = {
  framesFor: (part, batch) => {
    if (part.type === 'text-delta') batch.add(`${part.delta}|`);
  },
  closing: () => 'END',
  errorFrame: (error) => `ERR:${error.message}`,
};

function delta(text: string): StreamPart {
  return { type: 'text-delta', id: 't', delta: text };
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A real server on a random loopback port; `done` settles when the handler returned. */
async function serve(handler: Handler) {
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  server = createServer((incoming, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    handler(incoming, response).then(() => settle(), settle);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, done };
}

function get(port: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject).end();
  });
}

async function readAll(incoming: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of incoming) text += String(chunk);
  return text;
}

describe('writeStreamBatched', () => {
  it('gives a slow reader every byte in order, pulling nothing while its buffer is full', async () => {
    const total = 3200;
    const payload = 'x'.repeat(16 * 1024);
    const seen = { pulled: 0, pulledWhenBlocked: -1, maxBufferedAtPull: 0 };
    let reportBlocked: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      reportBlocked = resolve;
    });
    const { port, done } = await serve(async (_incoming, response) => {
      const write = response.write.bind(response) as (chunk: string) => boolean;
      response.write = ((chunk: string) => {
        const accepted = write(chunk);
        if (!accepted && seen.pulledWhenBlocked === -1) {
          seen.pulledWhenBlocked = seen.pulled;
          reportBlocked();
        }
        return accepted;
      }) as typeof response.write;
      async function* source(): AsyncGenerator<StreamPart> {
        for (let index = 0; index < total; index++) {
          seen.maxBufferedAtPull = Math.max(seen.maxBufferedAtPull, response.writableLength);
          seen.pulled++;
          yield delta(`${index}:${payload}`);
          if (index % 4 === 3) await nextTurn(); // four parts per upstream read
        }
      }
      await writeStreamBatched(response, fakeContext(), source(), textFramer);
    });
    const incoming = await get(port);
    incoming.pause();
    await blocked;
    // Still paused: the kernel's buffers fill, then the writer must stop pulling (20 idle turns).
    let idleTurns = 0;
    while (idleTurns < 20 && seen.pulled < total) {
      const before = seen.pulled;
      await nextTurn();
      idleTurns = seen.pulled === before ? idleTurns + 1 : 0;
    }
    const pulledWhilePaused = seen.pulled;
    const body = await readAll(incoming);
    await done;
    let expected = '';
    for (let index = 0; index < total; index++) expected += `${index}:${payload}|`;
    expect(body).toBe(`${expected}END`);
    // The writer stopped pulling once the socket was full instead of buffering the whole stream.
    expect(seen.pulledWhenBlocked).toBeLessThan(total);
    expect(pulledWhilePaused).toBeLessThan(total);
    expect(seen.maxBufferedAtPull).toBeLessThan(256 * 1024);
  });

  it('stops pulling and closes the stream when the client disconnects', async () => {
    const seen = { pulled: 0, closed: false };
    const { port, done } = await serve(async (_incoming, response) => {
      async function* endless(): AsyncGenerator<StreamPart> {
        try {
          while (true) {
            seen.pulled++;
            yield delta(`part ${seen.pulled}`);
            await nextTurn();
          }
        } finally {
          seen.closed = true;
        }
      }
      await writeStreamBatched(response, fakeContext(), endless(), textFramer);
    });
    const incoming = await get(port);
    const [first] = (await once(incoming, 'data')) as [Buffer];
    expect(String(first)).toMatch(/^part 1\|/);
    incoming.destroy();
    await done;
    expect(seen.closed).toBe(true);
    const pulledAtEnd = seen.pulled;
    await nextTurn();
    expect(seen.pulled).toBe(pulledAtEnd);
  });

  it('sends the frames of one read in one write, then the closing with the end', async () => {
    const writes: string[] = [];
    const { port, done } = await serve(async (_incoming, response) => {
      const write = response.write.bind(response) as (chunk: string) => boolean;
      response.write = ((chunk: string) => {
        writes.push(chunk);
        return write(chunk);
      }) as typeof response.write;
      async function* twoReads(): AsyncGenerator<StreamPart> {
        yield* [delta('a'), delta('b'), delta('c')];
        await nextTurn();
        yield* [delta('d'), delta('e')];
      }
      await writeStreamBatched(response, fakeContext(), twoReads(), textFramer);
    });
    const body = await readAll(await get(port));
    await done;
    expect(writes).toEqual(['a|b|c|']);
    expect(body).toBe('a|b|c|d|e|END');
  });

  it('ends with the error frame after the frames already produced on an error part', async () => {
    const context = fakeContext();
    const error = new GatewayError('upstream_error', 'boom');
    const { port, done } = await serve(async (_incoming, response) => {
      async function* failing(): AsyncGenerator<StreamPart> {
        yield delta('a');
        await nextTurn();
        yield delta('b');
        yield { type: 'error', error };
        yield delta('never');
      }
      await writeStreamBatched(response, context, failing(), textFramer);
    });
    const body = await readAll(await get(port));
    await done;
    expect(body).toBe('a|b|ERR:boom');
    expect(context.error).toBe(error);
  });

  it('turns a throw from the iterator into the error frame', async () => {
    const { port, done } = await serve(async (_incoming, response) => {
      async function* throwing(): AsyncGenerator<StreamPart> {
        yield delta('a');
        throw new GatewayError('upstream_error', 'thrown');
      }
      await writeStreamBatched(response, fakeContext(), throwing(), textFramer);
    });
    expect(await readAll(await get(port))).toBe('a|ERR:thrown');
    await done;
  });

  it('turns a stream that ends before finishing into the error frame', async () => {
    const unfinished: StreamFramer = {
      ...textFramer,
      closing: () => new GatewayError('upstream_bad_response', 'cut'),
    };
    const { port, done } = await serve(async (_incoming, response) => {
      async function* short(): AsyncGenerator<StreamPart> {
        yield delta('a');
      }
      await writeStreamBatched(response, fakeContext(), short(), unfinished);
    });
    expect(await readAll(await get(port))).toBe('a|ERR:cut');
    await done;
  });

  it('sends the headers on their own while the first part is still coming', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { port, done } = await serve(async (_incoming, response) => {
      async function* thinking(): AsyncGenerator<StreamPart> {
        await released;
        yield delta('late');
      }
      await writeStreamBatched(response, fakeContext(), thinking(), textFramer);
    });
    // Resolves on the response headers: the first part is only released after they arrived.
    const incoming = await get(port);
    expect(incoming.statusCode).toBe(200);
    release();
    expect(await readAll(incoming)).toBe('late|END');
    await done;
  });

  it('writes binary frames in order, with the opening first', async () => {
    const binaryFramer: StreamFramer = {
      opening: (batch) => batch.add(Buffer.from('<open>')),
      framesFor: (part, batch) => {
        if (part.type === 'text-delta') batch.add(Buffer.from(`[${part.delta}]`));
      },
      closing: () => Buffer.from('<close>'),
      errorFrame: () => Buffer.from('<error>'),
    };
    const { port, done } = await serve(async (_incoming, response) => {
      async function* reads(): AsyncGenerator<StreamPart> {
        yield delta('1');
        await nextTurn();
        yield* [delta('2'), delta('3')];
      }
      await writeStreamBatched(response, fakeContext(), reads(), binaryFramer);
    });
    expect(await readAll(await get(port))).toBe('<open>[1][2][3]<close>');
    await done;
  });

  it('reports a write that throws at the end of the turn as a stream failure', async () => {
    const response = Object.assign(new EventEmitter(), {
      destroyed: false,
      writableEnded: false,
      write: (): boolean => {
        throw new Error('socket exploded');
      },
      end: () => undefined,
      destroy: () => {
        response.destroyed = true;
      },
    });
    const context = fakeContext();
    async function* twoReads(): AsyncGenerator<StreamPart> {
      yield delta('a');
      await nextTurn();
      yield delta('b');
    }
    await writeStreamBatched(response as unknown as RawResponse, context, twoReads(), textFramer);
    expect(response.destroyed).toBe(true);
    expect(context.error?.code).toBe('internal_error');
  });
});
