import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningSandbox, startSandbox } from './index.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'realistic' });
});
afterAll(() => {
  vi.restoreAllMocks();
  return sandbox.close();
});

/** Tracks the long timers created from now on (the sandbox runs in-process) and whether each ended. */
function trackLongTimers() {
  const pending = new Set<unknown>();
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    const handle = realSetTimeout(() => {
      pending.delete(handle);
      callback();
    }, ms);
    if ((ms ?? 0) >= 1000) pending.add(handle);
    return handle;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((handle?: NodeJS.Timeout) => {
    pending.delete(handle);
    realClearTimeout(handle);
  }) as typeof clearTimeout);
  return pending;
}

describe('client disconnect', () => {
  it('stops writing and leaves no timer behind when the client hangs up mid-stream', async () => {
    const pending = trackLongTimers();
    await new Promise<void>((resolve, reject) => {
      const outgoing = request(
        `${sandbox.url}/v1/chat/completions`,
        {
          method: 'POST',
          agent: false,
          headers: {
            authorization: 'Bearer sk-sandbox',
            'content-type': 'application/json',
            // One token every 20 s: the next token's timer is certainly pending when we hang up.
            'x-sandbox-ttft-ms': '0',
            'x-sandbox-tokens-per-second': '0.05',
          },
        },
        (response) => {
          response.once('data', () => {
            expect(pending.size).toBe(1);
            outgoing.destroy();
            resolve();
          });
        },
      );
      outgoing.on('error', (error) => (outgoing.destroyed ? undefined : reject(error)));
      outgoing.end(
        JSON.stringify({
          model: 'gpt-4o',
          stream: true,
          messages: [{ role: 'user', content: 'Tell me a story' }],
        }),
      );
    });
    // The server notices the hang-up asynchronously; poll without timers of our own until it clears its timer.
    for (let turn = 0; turn < 100_000 && pending.size > 0; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(pending.size).toBe(0);
  });
});
