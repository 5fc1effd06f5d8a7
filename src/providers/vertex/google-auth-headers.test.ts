import { describe, expect, it } from 'vitest';
import {
  CLOUD_PLATFORM_SCOPE,
  createGoogleAuthHeaders,
  type GoogleAuthOptionsLike,
  type LoadGoogleAuth,
} from './google-auth-headers.js';

/** A stand-in for google-auth-library's GoogleAuth that records how it was built and asked. */
function fakeLibrary(answer: (url: string | undefined) => Promise<Headers>) {
  const built: GoogleAuthOptionsLike[] = [];
  let loads = 0;
  const load: LoadGoogleAuth = async () => {
    loads++;
    return class {
      constructor(options: GoogleAuthOptionsLike) {
        built.push(options);
      }
      getRequestHeaders(url?: string) {
        return answer(url);
      }
    };
  };
  return { load, built, loads: () => loads };
}

const signal = new AbortController().signal;

describe('createGoogleAuthHeaders', () => {
  it('sends a fixed access token without loading the library', async () => {
    const library = fakeLibrary(async () => new Headers());
    const headers = createGoogleAuthHeaders('v', { type: 'access-token', token: 'ya29.x' }, library.load);
    expect(await headers('https://h/x', signal)).toEqual({ authorization: 'Bearer ya29.x' });
    expect(library.loads()).toBe(0);
  });

  it('builds one GoogleAuth with the cloud-platform scope per credential kind, loaded on first use', async () => {
    const library = fakeLibrary(async (url) => new Headers({ authorization: `Bearer for ${url}` }));
    const adc = createGoogleAuthHeaders('v', { type: 'adc' }, library.load);
    expect(library.loads()).toBe(0);
    expect(await adc('https://h/a', signal)).toEqual({ authorization: 'Bearer for https://h/a' });
    await adc('https://h/b', signal);
    await createGoogleAuthHeaders(
      'v',
      { type: 'service-account-file', path: '/keys/sa.json' },
      library.load,
    )('https://h/c', signal);
    await createGoogleAuthHeaders(
      'v',
      { type: 'service-account-json', json: '{"type":"service_account","client_email":"a@b"}' },
      library.load,
    )('https://h/d', signal);
    expect(library.built).toEqual([
      { scopes: [CLOUD_PLATFORM_SCOPE] },
      { scopes: [CLOUD_PLATFORM_SCOPE], keyFile: '/keys/sa.json' },
      { scopes: [CLOUD_PLATFORM_SCOPE], credentials: { type: 'service_account', client_email: 'a@b' } },
    ]);
  });

  it('reports a token failure as a retryable upstream_auth_failed', async () => {
    const library = fakeLibrary(async () => {
      throw new Error('Could not load the default credentials');
    });
    await expect(
      createGoogleAuthHeaders('v', { type: 'adc' }, library.load)('https://h', signal),
    ).rejects.toMatchObject({
      code: 'upstream_auth_failed',
      isRetryable: true,
      message: expect.stringContaining('Could not load the default credentials'),
    });
  });

  it('stops waiting when the caller aborts', async () => {
    const library = fakeLibrary(() => new Promise<Headers>(() => {}));
    const controller = new AbortController();
    const pending = createGoogleAuthHeaders(
      'v',
      { type: 'adc' },
      library.load,
    )('https://h', controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses service-account JSON that is not an object, naming the config path', () => {
    expect(() =>
      createGoogleAuthHeaders('vertex-eu', { type: 'service-account-json', json: '[1,2' }),
    ).toThrow('providers.vertex-eu.credentials.json');
  });
});
