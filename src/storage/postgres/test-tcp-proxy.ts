import { connect as connectTcp, createServer, type Socket } from 'node:net';

/** A loopback TCP forwarder to stage network failures between a client and a real server. */
export interface TestTcpProxy {
  /** The target URL with its host and port replaced by the proxy's. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and cuts every open connection: the server looks down (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port: the server is back. */
  start(): Promise<void>;
  /** While on, connections stay open but nothing is forwarded either way: the server looks hung. */
  setSilent(silent: boolean): void;
}

/**
 * Starts a proxy on 127.0.0.1 (a free port) forwarding to the host and port of `targetUrl`.
 *
 * @example
 * const proxy = await startTestTcpProxy('postgres://postgres@127.0.0.1:5432/test');
 * const storage = await openPostgresStorage({ url: proxy.url });
 * await proxy.stop(); // PostgreSQL "goes down"
 */
export async function startTestTcpProxy(targetUrl: string): Promise<TestTcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let silent = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connectTcp(Number(target.port || 5432), target.hostname);
    track(client);
    track(upstream);
    client.on('data', (chunk) => silent || upstream.write(chunk));
    upstream.on('data', (chunk) => silent || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    start: () => listen(address.port),
    setSilent: (value) => {
      silent = value;
    },
  };
}
