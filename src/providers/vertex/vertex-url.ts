const MULTI_REGIONS = new Set(['us', 'eu']);

/**
 * The Vertex AI service origin for a location: `global` → `https://aiplatform.googleapis.com`, the
 * jurisdictional multi-regions `us`/`eu` → `https://aiplatform.{us|eu}.rep.googleapis.com` (as
 * `@google/genai` builds them), any region → `https://{region}-aiplatform.googleapis.com`. An explicit
 * endpoint (Private Service Connect, a proxy, the sandbox) replaces the origin.
 *
 * @example
 * vertexOrigin('europe-west4'); // 'https://europe-west4-aiplatform.googleapis.com'
 * vertexOrigin('eu'); // 'https://aiplatform.eu.rep.googleapis.com'
 */
export function vertexOrigin(location: string, endpoint?: string): string {
  if (endpoint !== undefined) return endpoint.replace(/\/+$/, '');
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (MULTI_REGIONS.has(location)) return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/**
 * `{origin}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`.
 * A model id that is already a resource path (`publishers/anthropic/models/…`, `endpoints/123`) is
 * placed under the location as it is.
 *
 * @example
 * vertexModelUrl({ origin, project: 'p', location: 'us-central1' }, 'gemini-2.5-flash', 'generateContent');
 */
export function vertexModelUrl(
  target: { origin: string; project: string; location: string },
  modelId: string,
  method: string,
): string {
  const resource = modelId.includes('/') ? modelId : `publishers/google/models/${modelId}`;
  const path = ['projects', target.project, 'locations', target.location, ...resource.split('/')].map(
    encodeURIComponent,
  );
  return `${target.origin}/v1/${path.join('/')}:${method}`;
}
