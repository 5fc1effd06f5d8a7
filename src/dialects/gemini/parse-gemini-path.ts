import type { GoogleFlavor } from './write-error.js';

export const GEMINI_ACTIONS = [
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'embedContent',
  'batchEmbedContents',
  'predict',
] as const;

export type GeminiAction = (typeof GEMINI_ACTIONS)[number];

/** What a Gemini or Vertex URL names: the API flavor, the model, and the method. */
export interface GeminiPath {
  flavor: GoogleFlavor;
  /** The names the model may go by, most specific first (`meta/llama-3`, then `llama-3`). */
  modelNames: string[];
  /** The method after the colon; not necessarily one the gateway serves. */
  action: string;
}

/** Vertex resource forms: full (`projects/…/locations/…/`), express and custom-base (`publishers/…`). */
const VERTEX_PUBLISHER = /^(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/([^/]+)\/models\/(.+)$/;
const VERTEX_PROJECT_MODEL = /^projects\/[^/]+\/locations\/[^/]+\/(?:models|endpoints)\/(.+)$/;
const GEMINI_MODEL = /^(?:models|tunedModels)\/(.+)$/;

/**
 * Parses the part of a URL after the API version, e.g.
 * `models/gemini-2.0-flash:generateContent` (Gemini API) or
 * `projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent`
 * (Vertex). The method follows the last colon, so model names may hold dots, dashes, slashes and
 * colons. Vertex is recognised by its resource form or by its API version (`v1beta1`). Returns
 * undefined for anything that names no model and method.
 *
 * @example
 * parseGeminiPath('v1beta1', 'publishers/meta/models/llama-3.1-8b:generateContent')
 * // { flavor: 'vertex', modelNames: ['meta/llama-3.1-8b', 'llama-3.1-8b'], action: 'generateContent' }
 */
export function parseGeminiPath(version: string, rest: string): GeminiPath | undefined {
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const resource = rest.slice(0, colon);
  const action = rest.slice(colon + 1);
  const publisher = VERTEX_PUBLISHER.exec(resource);
  if (publisher !== null) {
    const [, owner = '', model = ''] = publisher;
    const modelNames = owner === 'google' ? [model] : [`${owner}/${model}`, model];
    return { flavor: 'vertex', modelNames, action };
  }
  const projectModel = VERTEX_PROJECT_MODEL.exec(resource)?.[1];
  if (projectModel !== undefined) return { flavor: 'vertex', modelNames: [projectModel], action };
  const model = GEMINI_MODEL.exec(resource)?.[1];
  if (model === undefined) return undefined;
  return { flavor: version === 'v1beta1' ? 'vertex' : 'gemini', modelNames: [model], action };
}

/**
 * The flavor of a URL that did not parse (for errors): Vertex paths use `v1beta1`, projects or publishers.
 *
 * @example
 * flavorForUrl('/v1beta1/publishers/google/models/x:y') // 'vertex'
 */
export function flavorForUrl(url: string): GoogleFlavor {
  return /^\/v1beta1\/|^\/v1\/(?:projects|publishers)\//.test(url) ? 'vertex' : 'gemini';
}
