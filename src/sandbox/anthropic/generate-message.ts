import { safeParseJson } from '../../core/safe-parse-json.js';
import { type ChatTool, type GeneratedChoice, generateChat } from '../engine/generate-chat.js';
import { borrowWords, generateProse } from '../engine/generate-text.js';
import { createPrng, mixSeeds, type Prng } from '../engine/prng.js';
import type { Encoder } from '../engine/tokenizer.js';
import { createRedactedThinkingData, signThinking } from './anthropic-ids.js';
import type { ToolResultText } from './read-anthropic-prompt.js';

export type AnthropicToolChoice = 'auto' | 'any' | 'none' | { name: string };
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** What generation needs, already validated and normalised from the request. */
export interface MessageGenerationInput {
  seed: number;
  encoder: Encoder;
  lastUserText: string;
  toolResults: readonly ToolResultText[];
  tools: readonly ChatTool[];
  toolChoice: AnthropicToolChoice;
  parallelToolCalls: boolean;
  maxTokens: number;
  stopSequences: readonly string[];
  /** Set when thinking is on: the thinking block never exceeds it. */
  thinkingBudget: number | undefined;
  /** The documented magic string was sent: answer with a `redacted_thinking` block. */
  redactedThinking: boolean;
  /** A content marker was seen: refuse at once (`prompt`) or halfway through the answer (`output`). */
  refusal: 'prompt' | 'output' | undefined;
}

/** One output block with the tokens it streams as. */
export type GeneratedBlock =
  | { type: 'text'; text: string; tokens: number[] }
  | { type: 'thinking'; thinking: string; signature: string; tokens: number[] }
  | { type: 'redacted_thinking'; data: string; tokens: number[] }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; tokens: number[] };

export interface GeneratedMessage {
  blocks: GeneratedBlock[];
  stopReason: AnthropicStopReason;
  stopSequence: string | null;
  outputTokens: number;
  thinkingTokens: number;
}

// How much a model "thinks" when nothing else bounds it, in tokens.
const THINKING_LENGTH = { min: 48, max: 320 } as const;

function generateThinking(input: MessageGenerationInput, prng: Prng, budget: number): GeneratedBlock {
  const target = Math.min(budget, prng.integer(THINKING_LENGTH.min, THINKING_LENGTH.max));
  if (input.redactedThinking) {
    return {
      type: 'redacted_thinking',
      data: createRedactedThinkingData(input.seed),
      tokens: new Array(target).fill(0),
    };
  }
  const prose = generateProse(prng, Math.round(target / 1.15), borrowWords(input.lastUserText));
  const tokens = input.encoder.encode(prose).slice(0, target);
  const thinking = input.encoder.decode(tokens);
  return {
    type: 'thinking',
    thinking,
    signature: signThinking(thinking),
    tokens: input.encoder.encode(thinking),
  };
}

function toChatToolChoice(choice: AnthropicToolChoice) {
  if (typeof choice === 'object') return choice;
  return choice === 'any' ? 'required' : choice;
}

/** Cuts text at the earliest stop sequence; the API reports which one matched. */
function applyStopSequences(
  text: string,
  stops: readonly string[],
): { text: string; matched: string | null } {
  let cut = -1;
  let matched: string | null = null;
  for (const stop of stops) {
    const at = stop.length > 0 ? text.indexOf(stop) : -1;
    if (at >= 0 && (cut < 0 || at < cut)) {
      cut = at;
      matched = stop;
    }
  }
  return cut < 0 ? { text, matched: null } : { text: text.slice(0, cut), matched };
}

function toolBlocks(
  choice: GeneratedChoice,
  input: MessageGenerationInput,
  budget: number,
): GeneratedBlock[] {
  const blocks: GeneratedBlock[] = [];
  // With tool_choice auto, Claude usually says what it is about to do before calling tools.
  if (input.toolChoice === 'auto') {
    const names = choice.toolCalls.map((call) => call.name).join(' and ');
    const text = `I'll use ${names} to help with this.`;
    const tokens = input.encoder.encode(text);
    if (tokens.length + choice.completionTokens <= budget) blocks.push({ type: 'text', text, tokens });
  }
  for (const call of choice.toolCalls) {
    const parsed = safeParseJson(call.arguments);
    const value = parsed.success ? parsed.value : undefined;
    const input = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
    // The request PRNG drew the engine's call id; reuse its characters so ids stay deterministic.
    const id = `toolu_01${call.id.slice(5, 27)}`;
    blocks.push({
      type: 'tool_use',
      id,
      name: call.name,
      input: input as Record<string, unknown>,
      tokens: call.argumentTokens,
    });
  }
  return blocks;
}

/**
 * Generates the assistant message for a validated request: optional thinking (within its budget), then
 * text bounded by `max_tokens` and `stop_sequences`, or tool calls. Same input → same output.
 * @example generateMessage(parsed.generation).stopReason // 'end_turn'
 */
export function generateMessage(input: MessageGenerationInput): GeneratedMessage {
  if (input.refusal === 'prompt') {
    return { blocks: [], stopReason: 'refusal', stopSequence: null, outputTokens: 0, thinkingTokens: 0 };
  }
  const prng = createPrng(mixSeeds(input.seed, 0x7468696e));
  const blocks: GeneratedBlock[] = [];
  let thinkingTokens = 0;
  if (input.thinkingBudget !== undefined) {
    const thinking = generateThinking(input, prng, input.thinkingBudget);
    blocks.push(thinking);
    thinkingTokens = thinking.tokens.length;
  }
  const budget = input.maxTokens - thinkingTokens;
  const [choice] = generateChat({
    seed: input.seed,
    encoder: input.encoder,
    lastUserText: input.lastUserText,
    toolResults: input.toolResults,
    tools: input.tools,
    toolChoice: toChatToolChoice(input.toolChoice),
    parallelToolCalls: input.parallelToolCalls,
    responseFormat: { type: 'text' },
    maxOutputTokens: budget,
    stop: [],
    choiceCount: 1,
    reasoningEffort: undefined,
    filterOutput: input.refusal === 'output',
  });
  if (choice === undefined) throw new Error('generateChat returned no choice');
  if (choice.toolCalls.length > 0) {
    const tools = toolBlocks(choice, input, budget);
    blocks.push(...tools);
    const outputTokens =
      thinkingTokens +
      tools.reduce((sum, block) => sum + (block.type === 'text' ? block.tokens.length : 0), 0) +
      choice.completionTokens;
    const stopReason = choice.finishReason === 'length' ? 'max_tokens' : 'tool_use';
    return { blocks, stopReason, stopSequence: null, outputTokens, thinkingTokens };
  }
  const stopped = applyStopSequences(choice.text ?? '', input.stopSequences);
  const tokens = input.encoder.encode(stopped.text);
  if (stopped.text !== '') blocks.push({ type: 'text', text: stopped.text, tokens });
  const stopReason: AnthropicStopReason =
    stopped.matched !== null
      ? 'stop_sequence'
      : choice.finishReason === 'content_filter'
        ? 'refusal'
        : choice.finishReason === 'length'
          ? 'max_tokens'
          : 'end_turn';
  return {
    blocks,
    stopReason,
    stopSequence: stopped.matched,
    outputTokens: thinkingTokens + tokens.length,
    thinkingTokens,
  };
}
