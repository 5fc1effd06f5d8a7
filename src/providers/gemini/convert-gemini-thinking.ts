import type { ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { bareGeminiModelId } from './gemini-model-name.js';

type Effort = NonNullable<ChatRequest['reasoningEffort']>;

/**
 * `thinkingBudget` per effort for Gemini 2.5. Flash may switch thinking off (0) and caps the budget at
 * 24,576; Pro cannot switch it off (its minimum is 128) and goes up to 32,768. `low`/`medium` sit
 * where Google's docs put "light" and "moderate" tasks.
 */
const FLASH_BUDGETS: Record<Effort, number> = { minimal: 0, low: 1024, medium: 8192, high: 24_576 };
const PRO_BUDGETS: Record<Effort, number> = { minimal: 128, low: 1024, medium: 8192, high: 32_768 };
// Gemini 3 takes a level instead of a budget; Pro knows only low and high.
const LEVELS: Record<Effort, string> = { minimal: 'low', low: 'low', medium: 'high', high: 'high' };

/**
 * Maps `reasoningEffort` to `generationConfig.thinkingConfig`: a `thinkingBudget` on 2.5 models, a
 * `thinkingLevel` on 3.x models; on models without thinking (1.5, 2.0) it is a warning.
 *
 * @example
 * convertGeminiThinking('gemini-2.5-flash', 'low'); // { thinkingConfig: { thinkingBudget: 1024 }, warnings: [] }
 */
export function convertGeminiThinking(
  modelId: string,
  effort: Effort | undefined,
): { thinkingConfig: Record<string, unknown> | undefined; warnings: Warning[] } {
  if (effort === undefined) return { thinkingConfig: undefined, warnings: [] };
  const model = bareGeminiModelId(modelId);
  if (/^gemini-2\.5-/.test(model)) {
    const budgets = model.startsWith('gemini-2.5-pro') ? PRO_BUDGETS : FLASH_BUDGETS;
    return { thinkingConfig: { thinkingBudget: budgets[effort] }, warnings: [] };
  }
  if (/^gemini-[3-9]/.test(model)) return { thinkingConfig: { thinkingLevel: LEVELS[effort] }, warnings: [] };
  return {
    thinkingConfig: undefined,
    warnings: [
      {
        type: 'unsupported-setting',
        setting: 'reasoningEffort',
        details: `${model} has no thinking; not sent`,
      },
    ],
  };
}
