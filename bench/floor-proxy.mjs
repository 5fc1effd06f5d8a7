// The floor: the thinnest Node pass-through (node:http in, an undici Pool out). What any Node gateway
// costs on this machine at the least. Usage: node bench/floor-proxy.mjs <port> <upstream origin> [...]
import { createServer } from 'node:http';
import { Pool } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));

const args = process.argv.slice(2);
for (let index = 0; index + 1 < args.length; index += 2) {
  // No connection cap: the floor never queues in front of its upstream.
  const pool = new Pool(args[index + 1], { pipelining: 1, keepAliveTimeout: 30_000 });
  createServer((request, response) => {
    const options = { path: request.url, method: request.method, headers: endToEnd(request.headers) };
    if (request.method !== 'GET' && request.method !== 'HEAD') options.body = request;
    pool.stream(
      options,
      ({ statusCode, headers }) => response.writeHead(statusCode, endToEnd(headers)),
      (error) => {
        if (error === null || error === undefined) return;
        if (response.headersSent) response.destroy();
        else response.writeHead(502).end();
      },
    );
  }).listen(Number(args[index]), '127.0.0.1');
}
