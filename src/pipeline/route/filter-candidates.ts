import type { Capability } from '../../config/schema.js';
import { GatewayError } from '../../core/gateway-error.js';
import { satisfiesResidency } from '../../routing/geography.js';
import {
  countO200kTokens,
  estimateTokens,
  type PromptMeasure,
  upperBoundTokens,
} from '../../routing/measure-prompt.js';
import type { ParsedRequest } from '../gateway-context.js';
import type { Target } from './model-registry.js';

/** The capabilities a request needs from a deployment. */
export function requiredCapabilities(parsed: ParsedRequest): Capability[] {
  if (parsed.operation === 'embed') return ['embeddings'];
  const request = parsed.request;
  const needs: Capability[] = [];
  if ((request.tools?.length ?? 0) > 0) needs.push('tools');
  if (request.responseFormat?.type === 'json-schema') needs.push('json-schema');
  const hasImage = request.messages.some((message) =>
    message.content.some(
      (part) =>
        part.type === 'image' ||
        (part.type === 'tool-result' && part.output.some((output) => output.type === 'image')),
    ),
  );
  if (hasImage) needs.push('vision');
  return needs;
}

const CAPABILITY_PARAMS: Readonly<Record<Capability, string>> = {
  tools: 'tools',
  'json-schema': 'response_format',
  vision: 'messages',
  embeddings: 'model',
};

/** Keeps targets that support every needed capability; none left → 400 naming what is missing. */
export function filterByCapability(targets: readonly Target[], needs: readonly Capability[], model: string) {
  if (needs.length === 0) return [...targets];
  const kept = targets.filter((target) => needs.every((need) => target.capabilities?.has(need) ?? true));
  if (kept.length > 0) return kept;
  const missing = needs.find((need) => targets.every((target) => target.capabilities?.has(need) === false));
  const capability = missing ?? needs[0] ?? 'tools';
  throw new GatewayError(
    'unsupported_parameter',
    `No deployment of \`${model}\` supports ${missing === undefined ? 'all of ' + needs.join(', ') : capability}.`,
    { param: CAPABILITY_PARAMS[capability], details: { needs } },
  );
}

/** Keeps targets inside both residency rules (the key's and the model's). */
export function filterByResidency(
  targets: readonly Target[],
  rules: ReadonlyArray<readonly string[] | undefined>,
): Target[] {
  return targets.filter((target) =>
    rules.every(
      (rule) => rule === undefined || satisfiesResidency(rule, target.processing, target.geography),
    ),
  );
}

/**
 * True when the prompt's hard upper bound plus the output cap fits the smallest known context
 * window of the targets, or none has a known window: then every target holds it, nothing counted.
 */
export function fitsEveryWindow(
  targets: readonly Target[],
  measure: PromptMeasure,
  outputCap: number,
): boolean {
  let smallest = Number.POSITIVE_INFINITY;
  for (const target of targets) {
    if (target.contextWindow !== undefined && target.contextWindow < smallest)
      smallest = target.contextWindow;
  }
  return upperBoundTokens(measure) + outputCap <= smallest;
}

export interface ContextFit {
  targets: Target[];
  /** The exact o200k prompt count, when one had to be taken. */
  exactO200kTokens?: number;
}

/**
 * Keeps targets whose context window holds the prompt plus the output cap. Cheap for ordinary
 * prompts: when the UTF-8 byte count (a hard upper bound on tokens) fits the smallest known window,
 * nothing is counted. Otherwise OpenAI-tokenizer targets get an exact o200k count (the tokenizer is
 * loaded lazily) and others the conservative estimate of 3 characters per token. None fits → 400
 * `context_length_exceeded` naming the largest window.
 */
export async function filterByContextWindow(
  targets: readonly Target[],
  measure: PromptMeasure,
  outputCap: number,
  model: string,
): Promise<ContextFit> {
  if (fitsEveryWindow(targets, measure, outputCap)) return { targets: [...targets] };
  let exact: number | undefined;
  const kept: Target[] = [];
  let needed = 0;
  for (const target of targets) {
    if (target.contextWindow === undefined) {
      kept.push(target);
      continue;
    }
    if (target.tokenizer === 'o200k') exact ??= await countO200kTokens(measure);
    const prompt = target.tokenizer === 'o200k' ? (exact ?? 0) : estimateTokens(measure, 'estimate');
    needed = Math.max(needed, prompt + outputCap);
    if (prompt + outputCap <= target.contextWindow) kept.push(target);
  }
  if (kept.length === 0) {
    const limit = Math.max(...targets.flatMap((target) => target.contextWindow ?? []));
    throw new GatewayError(
      'context_length_exceeded',
      `This request needs about ${needed} tokens (prompt + max output ${outputCap}), more than the ` +
        `largest context window among \`${model}\`'s deployments: ${limit} tokens. ` +
        'Shorten the messages or lower the output cap.',
      { param: 'messages', details: { limit, estimatedTokens: needed } },
    );
  }
  return { targets: kept, ...(exact !== undefined && { exactO200kTokens: exact }) };
}
