/** Harm categories a marker may name; the first four are the ones Azure grades by severity. */
export const FILTER_CATEGORIES = ['hate', 'sexual', 'violence', 'self_harm', 'jailbreak'] as const;
export type FilterCategory = (typeof FILTER_CATEGORIES)[number];

export interface ContentMarkers {
  promptMarker: string;
  outputMarker: string;
}

export interface MarkerHit {
  /** The prompt must be refused (HTTP 400 on Azure). */
  blockPrompt: FilterCategory | undefined;
  /** The completion must be cut off with `content_filter`. */
  blockOutput: FilterCategory | undefined;
}

const DEFAULT_CATEGORY: FilterCategory = 'violence';

function categoryAfter(text: string, at: number, marker: string): FilterCategory {
  // An optional ":<category>" suffix picks the category, e.g. "CF_BLOCK_PROMPT:hate".
  const match = /^:([a-z_]+)/.exec(text.slice(at + marker.length, at + marker.length + 12));
  const named = match?.[1];
  return FILTER_CATEGORIES.find((category) => category === named) ?? DEFAULT_CATEGORY;
}

/**
 * Scans one piece of prompt text for the configured marker words, merging into `hit`.
 * @example scanForMarkers('please CF_BLOCK_PROMPT:hate', markers, hit) // hit.blockPrompt === 'hate'
 */
export function scanForMarkers(text: string, markers: ContentMarkers, hit: MarkerHit): void {
  if (hit.blockPrompt === undefined) {
    const at = text.indexOf(markers.promptMarker);
    if (at >= 0) hit.blockPrompt = categoryAfter(text, at, markers.promptMarker);
  }
  if (hit.blockOutput === undefined) {
    const at = text.indexOf(markers.outputMarker);
    if (at >= 0) hit.blockOutput = categoryAfter(text, at, markers.outputMarker);
  }
}
