import type { FilterCategory } from '../engine/content-markers.js';

/** The harm categories Gemini rates text on. */
const CATEGORIES = [
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
] as const;

// Gemini has no violence or self-harm category; both are rated as dangerous content.
const BY_MARKER: Record<FilterCategory, (typeof CATEGORIES)[number]> = {
  hate: 'HARM_CATEGORY_HATE_SPEECH',
  sexual: 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  violence: 'HARM_CATEGORY_DANGEROUS_CONTENT',
  self_harm: 'HARM_CATEGORY_DANGEROUS_CONTENT',
  jailbreak: 'HARM_CATEGORY_HARASSMENT',
};

/**
 * `safetyRatings` for a blocked prompt or candidate: the marker's category `HIGH` and `blocked: true`,
 * the others `NEGLIGIBLE`. Vertex adds probability and severity scores.
 *
 * @example
 * safetyRatings('hate', 'gemini')[0]; // { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH', blocked: true }
 */
export function safetyRatings(
  category: FilterCategory,
  flavor: 'gemini' | 'vertex',
): Record<string, unknown>[] {
  const blocked = BY_MARKER[category];
  const ordered = [blocked, ...CATEGORIES.filter((entry) => entry !== blocked)];
  return ordered.map((entry) => {
    const high = entry === blocked;
    return {
      category: entry,
      probability: high ? 'HIGH' : 'NEGLIGIBLE',
      ...(flavor === 'vertex'
        ? {
            probabilityScore: high ? 0.93 : 0.02,
            severity: high ? 'HARM_SEVERITY_HIGH' : 'HARM_SEVERITY_NEGLIGIBLE',
            severityScore: high ? 0.88 : 0.01,
          }
        : {}),
      ...(high ? { blocked: true } : {}),
    };
  });
}
