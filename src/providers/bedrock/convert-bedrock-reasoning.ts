import type { ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { supportsClaudeThinking } from './bedrock-model-family.js';

/**
 * `reasoningEffort` → Claude's extended-thinking budget (`budget_tokens`). Anthropic's minimum is
 * 1,024; the others grow roughly fourfold per step, which keeps `high` affordable on every Claude
 * that thinks (3.7 Sonnet and later).
 */
export const CLAUDE_THINKING_BUDGETS = { minimal: 1024, low: 2048, medium: 8192, high: 16384 } as const;

/** Without a caller's cap, room left for the answer on top of the thinking budget. */
const ANSWER_TOKENS_WITHOUT_CAP = 4096;
const MINIMUM_BUDGET = 1024;

export interface BedrockThinking {
  /** Goes into `additionalModelRequestFields.thinking`. */
  thinking: { type: 'enabled'; budget_tokens: number };
  /** `inferenceConfig.maxTokens`: Claude requires it above the budget. */
  maxTokens: number;
}

/**
 * Turns `reasoningEffort` into Claude thinking for the models that have it, else a warning. Claude
 * cannot think while a tool call is forced (a tool choice, or the JSON-answer tool), and a budget
 * must leave room under `maxOutputTokens`, which counts thinking and answer together as OpenAI's
 * `max_completion_tokens` does: a budget that does not fit is halved to fit (with a warning), or
 * dropped when even 1,024 tokens do not.
 *
 * @example
 * convertBedrockReasoning({ ...request, reasoningEffort: 'medium' }, 'us.anthropic.claude-sonnet-4-20250514-v1:0', false, warnings);
 * // { thinking: { type: 'enabled', budget_tokens: 8192 }, maxTokens: 12288 }
 */
export function convertBedrockReasoning(
  request: ChatRequest,
  modelId: string,
  forcesToolUse: boolean,
  warnings: Warning[],
): BedrockThinking | undefined {
  const effort = request.reasoningEffort;
  if (effort === undefined) return undefined;
  const skip = (details: string) => {
    warnings.push({ type: 'unsupported-setting', setting: 'reasoningEffort', details });
    return undefined;
  };
  if (!supportsClaudeThinking(modelId)) {
    return skip('on Bedrock it maps to thinking on Claude 3.7 and later only; not sent');
  }
  if (forcesToolUse) return skip('Claude cannot think while a tool call is forced; not sent');
  const budget = CLAUDE_THINKING_BUDGETS[effort];
  const cap = request.maxOutputTokens;
  if (cap === undefined) return enabled(budget, budget + ANSWER_TOKENS_WITHOUT_CAP);
  if (budget < cap) return enabled(budget, cap);
  const fitted = Math.floor(cap / 2);
  if (fitted < MINIMUM_BUDGET) {
    return skip(`maxOutputTokens ${cap} leaves no room for the minimum thinking budget; not sent`);
  }
  warnings.push({ type: 'clamped-setting', setting: 'reasoningBudgetTokens', from: budget, to: fitted });
  return enabled(fitted, cap);
}

function enabled(budget: number, maxTokens: number): BedrockThinking {
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens };
}
