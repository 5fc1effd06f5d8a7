import type { FilterCategory, MarkerHit } from '../engine/content-markers.js';
import type { GeneratedChoice } from '../engine/generate-chat.js';
import type { ChatDecoration, ChatResult } from '../openai/chat-completion-body.js';

type SeverityResult = { filtered: boolean; severity: 'safe' | 'high' };
type DetectionResult = { filtered: boolean; detected: boolean };

const SAFE: SeverityResult = { filtered: false, severity: 'safe' };
const BLOCKED: SeverityResult = { filtered: true, severity: 'high' };
const CLEAR: DetectionResult = { filtered: false, detected: false };

function severities(category: FilterCategory | undefined): Record<string, SeverityResult> {
  return {
    hate: category === 'hate' ? BLOCKED : SAFE,
    self_harm: category === 'self_harm' ? BLOCKED : SAFE,
    sexual: category === 'sexual' ? BLOCKED : SAFE,
    violence: category === 'violence' ? BLOCKED : SAFE,
  };
}

/** Prompt-side annotations; `category` marks the one that tripped (jailbreak is a detection, not a severity). */
export function promptFilterResults(category?: FilterCategory): Record<string, unknown> {
  return {
    ...severities(category),
    jailbreak: category === 'jailbreak' ? { filtered: true, detected: true } : CLEAR,
  };
}

/** Completion-side annotations, including the protected-material detectors. */
export function completionFilterResults(category?: FilterCategory): Record<string, unknown> {
  // Jailbreak is prompt-only; an output marker naming it blocks as violence.
  const severity = category === 'jailbreak' ? 'violence' : category;
  return {
    ...severities(severity),
    protected_material_code: { ...CLEAR },
    protected_material_text: { ...CLEAR },
  };
}

const SAFE_PROMPT_JSON = JSON.stringify([{ prompt_index: 0, content_filter_results: promptFilterResults() }]);
const SAFE_CHOICE_FIELD = `,"content_filter_results":${JSON.stringify(completionFilterResults())}`;

/**
 * Azure's response decoration: `prompt_filter_results` on the body, `content_filter_results` per choice,
 * and in streams a first prompt-annotation chunk with empty id/object/model and `choices: []`.
 */
export function azureDecoration(markers: MarkerHit): ChatDecoration {
  const outputCategory = markers.blockOutput;
  const resultsFor = (choice: GeneratedChoice) =>
    completionFilterResults(choice.finishReason === 'content_filter' ? outputCategory : undefined);
  return {
    serviceTier: false,
    bodyFields: (_result: ChatResult) => ({ prompt_filter_results: JSON.parse(SAFE_PROMPT_JSON) as unknown }),
    choiceFields: (choice) => ({ content_filter_results: resultsFor(choice) }),
    chunkChoiceFields: (kind, choice) => {
      if (kind === 'content') return SAFE_CHOICE_FIELD;
      if (kind === 'finish' && choice.finishReason === 'content_filter') {
        return `,"content_filter_results":${JSON.stringify(resultsFor(choice))}`;
      }
      return ',"content_filter_results":{}';
    },
    preamble: () => [
      `data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":${SAFE_PROMPT_JSON}}\n\n`,
    ],
  };
}
