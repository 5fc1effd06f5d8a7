import { describe, expect, it } from 'vitest';
import { flavorForUrl, parseGeminiPath } from './parse-gemini-path.js';

describe('parseGeminiPath', () => {
  it.each([
    ['v1beta', 'models/gemini-2.0-flash:generateContent', 'gemini', ['gemini-2.0-flash'], 'generateContent'],
    [
      'v1',
      'tunedModels/my-tuned.v2:streamGenerateContent',
      'gemini',
      ['my-tuned.v2'],
      'streamGenerateContent',
    ],
    ['v1beta', 'models/meta/llama-3:countTokens', 'gemini', ['meta/llama-3'], 'countTokens'],
    ['v1beta', 'models/ollama:llama3:8b:generateContent', 'gemini', ['ollama:llama3:8b'], 'generateContent'],
    [
      'v1beta1',
      'projects/p-1/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent',
      'vertex',
      ['gemini-2.0-flash-001'],
      'streamGenerateContent',
    ],
    [
      'v1',
      'publishers/meta/models/llama-3.1-8b:generateContent',
      'vertex',
      ['meta/llama-3.1-8b', 'llama-3.1-8b'],
      'generateContent',
    ],
    [
      'v1',
      'projects/p/locations/global/endpoints/12345:generateContent',
      'vertex',
      ['12345'],
      'generateContent',
    ],
    ['v1beta1', 'models/gemini-2.0-flash:predict', 'vertex', ['gemini-2.0-flash'], 'predict'],
  ])('%s %s → %s %j %s', (version, rest, flavor, modelNames, action) => {
    expect(parseGeminiPath(version, rest)).toEqual({ flavor, modelNames, action });
  });

  it.each(['models/gemini-2.0-flash', 'files/abc:download', ':generateContent', 'models/:generateContent'])(
    'names no model and method: %s',
    (rest) => {
      expect(parseGeminiPath('v1beta', rest)).toBeUndefined();
    },
  );

  it('tells Vertex URLs from Gemini ones for errors', () => {
    expect(flavorForUrl('/v1beta1/anything')).toBe('vertex');
    expect(flavorForUrl('/v1/projects/p/locations/l/x')).toBe('vertex');
    expect(flavorForUrl('/v1beta/models/x:y')).toBe('gemini');
  });
});
