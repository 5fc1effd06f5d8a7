import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './bench-stack.js';

const ROOT = new URL('..', import.meta.url).pathname;

let upstream: Server;
let proxy: ChildProcess;
let proxyOrigin: string;
/** Resolved by the test once the client holds the first streamed chunk. */
let releaseStream: () => void = () => {};

beforeAll(async () => {
  upstream = createServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    incoming.on('end', () => {
      if (incoming.url === '/stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: first\n\n');
        new Promise<void>((resolve) => {
          releaseStream = resolve;
        }).then(() => response.end('data: [DONE]\n\n'));
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      response.end(JSON.stringify({ echoed: body, auth: incoming.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = await findFreePort();
  const upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = spawn(process.execPath, ['bench/floor-proxy.mjs', String(port), upstreamOrigin], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  proxyOrigin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await (await request(`${proxyOrigin}/`, { method: 'POST', body: '' })).body.dump();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});

afterAll(async () => {
  proxy.kill('SIGKILL');
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('floor proxy', () => {
  it('passes method, body, headers and status through', async () => {
    const response = await request(`${proxyOrigin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sandbox', 'content-type': 'application/json' },
      body: '{"model":"m"}',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-upstream']).toBe('yes');
    expect(await response.body.json()).toEqual({ echoed: '{"model":"m"}', auth: 'Bearer sk-sandbox' });
  });

  it('forwards a streamed chunk before the upstream has finished (no buffering)', async () => {
    const response = await request(`${proxyOrigin}/stream`, { method: 'POST', body: '{}' });
    const chunks: string[] = [];
    for await (const chunk of response.body) {
      chunks.push(chunk.toString());
      // The upstream only ends once the first chunk is here: a buffering proxy would never get here.
      if (chunks.length === 1) releaseStream();
    }
    expect(chunks.join('')).toBe('data: first\n\ndata: [DONE]\n\n');
    expect(chunks[0]).toBe('data: first\n\n');
  });
});
