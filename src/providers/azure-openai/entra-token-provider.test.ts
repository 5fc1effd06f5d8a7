import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../core/upstream-error.js';
import { createEntraTokenProvider } from './entra-token-provider.js';

const SCOPE = 'https://cognitiveservices.azure.com/.default';
const MINUTE = 60_000;

/** A credential whose answers the test hands out one by one, recording each call. */
function fakeCredential() {
  const calls: string[] = [];
  const pending: Array<{ resolve: (token: AccessToken | null) => void; reject: (error: unknown) => void }> =
    [];
  const credential: TokenCredential = {
    getToken(scopes) {
      calls.push(Array.isArray(scopes) ? scopes.join(' ') : scopes);
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
  const next = () => {
    const waiter = pending.shift();
    if (waiter === undefined) throw new Error('no getToken call is waiting');
    return waiter;
  };
  return {
    credential,
    calls,
    answer: (token: AccessToken | null) => next().resolve(token),
    fail: (error: unknown) => next().reject(error),
  };
}

/** Lets queued promise callbacks run, without relying on wall-clock time. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  let clock = 1_000_000;
  const fake = fakeCredential();
  const tokens = createEntraTokenProvider({ credential: fake.credential, scope: SCOPE, now: () => clock });
  return {
    ...fake,
    tokens,
    advance: (ms: number) => {
      clock += ms;
    },
    at: (offset: number) => clock + offset,
  };
}

describe('createEntraTokenProvider', () => {
  it('fetches once for the scope and reuses the token until it is due for refresh', async () => {
    const { tokens, calls, answer, advance, at } = setup();
    const first = tokens.getToken();
    await settle();
    answer({ token: 'token-1', expiresOnTimestamp: at(60 * MINUTE) });
    expect(await first).toBe('token-1');
    advance(54 * MINUTE);
    expect(await tokens.getToken()).toBe('token-1');
    expect(calls).toEqual([SCOPE]);
  });

  it('shares one in-flight fetch between concurrent callers', async () => {
    const { tokens, calls, answer, at } = setup();
    const both = Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    await settle();
    answer({ token: 'shared', expiresOnTimestamp: at(60 * MINUTE) });
    expect(await both).toEqual(['shared', 'shared', 'shared']);
    expect(calls).toHaveLength(1);
  });

  it('within the refresh margin, answers with the still-valid token and refreshes in the background', async () => {
    const { tokens, calls, answer, advance, at } = setup();
    const first = tokens.getToken();
    await settle();
    answer({ token: 'old', expiresOnTimestamp: at(60 * MINUTE) });
    await first;
    advance(56 * MINUTE); // 4 minutes left: inside the 5-minute margin
    expect(await tokens.getToken()).toBe('old');
    expect(calls).toHaveLength(2);
    answer({ token: 'new', expiresOnTimestamp: at(60 * MINUTE) });
    await settle();
    expect(await tokens.getToken()).toBe('new');
    expect(calls).toHaveLength(2);
  });

  it('honours refreshAfterTimestamp when the credential sets one', async () => {
    const { tokens, calls, answer, advance, at } = setup();
    const first = tokens.getToken();
    await settle();
    answer({ token: 'a', expiresOnTimestamp: at(60 * MINUTE), refreshAfterTimestamp: at(30 * MINUTE) });
    await first;
    advance(29 * MINUTE);
    await tokens.getToken();
    expect(calls).toHaveLength(1);
    advance(2 * MINUTE);
    await tokens.getToken();
    expect(calls).toHaveLength(2);
  });

  it('waits for a new token once the old one is (nearly) expired', async () => {
    const { tokens, answer, advance, at } = setup();
    const first = tokens.getToken();
    await settle();
    answer({ token: 'expired-soon', expiresOnTimestamp: at(60 * MINUTE) });
    await first;
    advance(60 * MINUTE - 10_000); // 10 s left: below the 30 s safety
    let resolved: string | undefined;
    const waiting = tokens.getToken().then((token) => {
      resolved = token;
      return token;
    });
    await settle();
    expect(resolved).toBeUndefined();
    answer({ token: 'fresh', expiresOnTimestamp: at(60 * MINUTE) });
    expect(await waiting).toBe('fresh');
  });

  it('turns a credential failure into a retryable upstream_auth_failed, and tries again next call', async () => {
    const { tokens, calls, fail, answer, at } = setup();
    const first = tokens.getToken();
    await settle();
    fail(new Error('ManagedIdentityCredential: no identity endpoint'));
    const error = await first.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'upstream_auth_failed',
      isRetryable: true,
      message: expect.stringContaining('no identity endpoint'),
    });
    const second = tokens.getToken();
    await settle();
    answer({ token: 'recovered', expiresOnTimestamp: at(60 * MINUTE) });
    expect(await second).toBe('recovered');
    expect(calls).toHaveLength(2);
  });

  it('treats a null token as a failure', async () => {
    const { tokens, answer } = setup();
    const first = tokens.getToken();
    await settle();
    answer(null);
    await expect(first).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  });

  it('an aborted caller stops waiting without cancelling the fetch others share', async () => {
    const { tokens, answer, at } = setup();
    const controller = new AbortController();
    const aborted = tokens.getToken(controller.signal);
    const patient = tokens.getToken();
    await settle();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    answer({ token: 'late', expiresOnTimestamp: at(60 * MINUTE) });
    expect(await patient).toBe('late');
  });
});
