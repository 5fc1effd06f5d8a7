import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadJob, type LoadRunner, startLoadRunner } from './load-runner.js';

const ROOT = new URL('..', import.meta.url).pathname;
const held: ServerResponse[] = [];

function handle(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  if (request.url === '/json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else if (request.url === '/sse') {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let index = 0; index < 4; index++) response.write(`data: {"n":${index}}\n\n`);
    response.end('data: [DONE]\n\n');
  } else if (request.url === '/cut') {
    response.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"n":0}\n\n');
  } else if (request.url === '/fail') {
    response.writeHead(500).end('{}');
  } else {
    held.push(response); // never answered: the client's timeout ends it
  }
}

let server: Server;
let origin: string;
let runner: LoadRunner;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  runner = await startLoadRunner(ROOT);
});

afterAll(async () => {
  await runner.close();
  for (const response of held) response.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function job(path: string, overrides: Partial<LoadJob> = {}): LoadJob {
  return {
    origin,
    path,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    rate: 200,
    durationMs: 100,
    warmupMs: 0,
    connections: 64,
    timeoutMs: 5000,
    stream: false,
    ...overrides,
  };
}

describe('load worker (open loop)', () => {
  it('sends rate × duration requests and summarises latency from the scheduled time', async () => {
    const result = await runner.run(job('/json', { warmupMs: 50 }));
    expect(result.scheduled).toBe(20); // warm-up requests (10) are sent but not counted
    expect(result.ok).toBe(20);
    expect(result.errors).toEqual({});
    expect(result.completedAll).toBe(30);
    expect(result.latencyMs?.count).toBe(20);
    expect(result.latencyMs?.p50).toBeGreaterThan(0);
    expect(result.latencyMs?.max).toBeGreaterThanOrEqual(result.latencyMs?.p99 ?? Number.NaN);
  });

  it('counts SSE events per stream and times the first byte', async () => {
    const result = await runner.run(job('/sse', { stream: true }));
    expect(result.ok).toBe(20);
    expect(result.chunkCounts).toEqual({ 5: 20 });
    expect(result.ttfbMs?.p50).toBeLessThanOrEqual(result.latencyMs?.p50 ?? 0);
  });

  it('counts a stream that ends without [DONE] and a 500 as errors', async () => {
    const cut = await runner.run(job('/cut', { stream: true }));
    expect(cut.errors).toEqual({ 'stream-cut': 20 });
    const failed = await runner.run(job('/fail'));
    expect(failed.errors).toEqual({ 'http-500': 20 });
    expect(failed.errorRate).toBe(1);
    expect(failed.latencyMs).toBeNull();
  });

  it('never queues: a request due while every connection is busy is a client-limit error', async () => {
    const result = await runner.run(job('/hold', { connections: 2, timeoutMs: 3000 }));
    expect(result.maxInFlight).toBe(2);
    expect(result.errors).toEqual({ 'client-limit': 18, timeout: 2 });
  });
});
