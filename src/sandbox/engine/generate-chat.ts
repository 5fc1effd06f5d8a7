import {
  borrowWords,
  generateAnswer,
  generateJsonObject,
  generateToolResultAnswer,
} from './generate-text.js';
import { createToolCallId } from './ids.js';
import { generateJsonValue, type JsonSchema } from './json-schema-value.js';
import { createPrng, mixSeeds, type Prng } from './prng.js';
import type { Encoder } from './tokenizer.js';
import { CONTENT_WORDS } from './vocabulary.js';

export interface ChatTool {
  name: string;
  parameters: JsonSchema | undefined;
}
export type ChatToolChoice = 'none' | 'auto' | 'required' | { name: string };
export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: JsonSchema };
export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What generation needs, already normalised from any provider's wire format. */
export interface ChatGenerationInput {
  /** Hash of everything that should change the answer (model, messages, tools, format, seed). */
  seed: number;
  encoder: Encoder;
  lastUserText: string;
  /** Tool results at the end of the conversation; when present the answer reports on them. */
  toolResults: readonly { name: string | undefined; content: string }[];
  tools: readonly ChatTool[];
  toolChoice: ChatToolChoice;
  parallelToolCalls: boolean;
  responseFormat: ChatResponseFormat;
  /** Cap on completion tokens, reasoning included; undefined = the model's natural length. */
  maxOutputTokens: number | undefined;
  stop: readonly string[];
  choiceCount: number;
  /** Reasoning effort for reasoning models; undefined for the others. */
  reasoningEffort: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  /** An output content-filter marker was seen: the answer is cut and finishes with `content_filter`. */
  filterOutput: boolean;
}

export interface GeneratedToolCall {
  id: string;
  name: string;
  arguments: string;
  argumentTokens: number[];
}

export interface GeneratedChoice {
  index: number;
  /** null when the choice is tool calls. */
  text: string | null;
  textTokens: number[];
  toolCalls: GeneratedToolCall[];
  finishReason: ChatFinishReason;
  reasoningTokens: number;
  /** Visible + tool-call + reasoning tokens, as `completion_tokens` reports them. */
  completionTokens: number;
}

// Framing the API bills per tool call on top of name and arguments (observed ≈ 3–8; the exact rule is private).
const TOOL_CALL_OVERHEAD_TOKENS = 3;
const EFFORT_SCALE = { minimal: 0.25, low: 0.5, medium: 1, high: 2 } as const;

/**
 * Generates `choiceCount` deterministic choices. Same input → same output, byte for byte.
 * @example generateChat(input)[0].text
 */
export function generateChat(input: ChatGenerationInput): GeneratedChoice[] {
  const choices: GeneratedChoice[] = [];
  for (let index = 0; index < input.choiceCount; index++) {
    choices.push(generateChoice(input, index, createPrng(mixSeeds(input.seed, index))));
  }
  return choices;
}

function generateChoice(input: ChatGenerationInput, index: number, prng: Prng): GeneratedChoice {
  const reasoningTokens = input.reasoningEffort ? drawReasoningTokens(prng, input) : 0;
  const cap = input.maxOutputTokens === undefined ? undefined : input.maxOutputTokens - reasoningTokens;
  if (cap !== undefined && cap <= 0) {
    // Real reasoning models spend the whole budget thinking and return empty content with 'length'.
    const spent = input.maxOutputTokens ?? 0;
    return {
      index,
      text: '',
      textTokens: [],
      toolCalls: [],
      finishReason: 'length',
      reasoningTokens: spent,
      completionTokens: spent,
    };
  }
  const calledTools = selectTools(input, prng);
  if (calledTools.length > 0) {
    const { toolCalls, truncated, tokens } = generateToolCalls(input, calledTools, prng, cap);
    const finishReason = truncated ? 'length' : 'tool_calls';
    return {
      index,
      text: null,
      textTokens: [],
      toolCalls,
      finishReason,
      reasoningTokens,
      completionTokens: tokens + reasoningTokens,
    };
  }
  const { text, textTokens, finishReason } = boundText(input, composeText(input, prng), cap);
  return {
    index,
    text,
    textTokens,
    toolCalls: [],
    finishReason,
    reasoningTokens,
    completionTokens: textTokens.length + reasoningTokens,
  };
}

function drawReasoningTokens(prng: Prng, input: ChatGenerationInput): number {
  const scale = EFFORT_SCALE[input.reasoningEffort ?? 'medium'];
  return Math.max(64, Math.round((64 * prng.integer(2, 12) * scale) / 64) * 64);
}

function composeText(input: ChatGenerationInput, prng: Prng): string {
  const format = input.responseFormat;
  const borrowed = borrowWords(input.lastUserText);
  if (format.type === 'json_schema') {
    const words = borrowed.length > 0 ? borrowed : CONTENT_WORDS;
    return JSON.stringify(generateJsonValue(format.schema, { prng, words, root: format.schema }));
  }
  if (format.type === 'json_object') return generateJsonObject(prng, borrowed);
  if (input.toolResults.length > 0) return generateToolResultAnswer(prng, input.toolResults);
  return generateAnswer(prng, borrowed);
}

/** Applies stop sequences, then the token cap, then the output filter, in the order a real model would hit them. */
function boundText(
  input: ChatGenerationInput,
  natural: string,
  cap: number | undefined,
): { text: string; textTokens: number[]; finishReason: ChatFinishReason } {
  let text = natural;
  for (const stop of input.stop) {
    const at = stop.length > 0 ? text.indexOf(stop) : -1;
    if (at >= 0) text = text.slice(0, at);
  }
  let tokens = input.encoder.encode(text);
  let finishReason: ChatFinishReason = 'stop';
  if (cap !== undefined && tokens.length > cap) {
    text = input.encoder.decode(tokens.slice(0, cap));
    // Re-encode so the reported count is the count of the returned text, even if BPE re-merges the tail.
    tokens = input.encoder.encode(text);
    finishReason = 'length';
  }
  if (input.filterOutput) {
    tokens = tokens.slice(0, Math.floor(tokens.length / 2));
    text = input.encoder.decode(tokens);
    finishReason = 'content_filter';
  }
  return { text, textTokens: tokens, finishReason };
}

/** Which tools to call: forced by tool_choice, or (auto) those the last user message names. */
function selectTools(input: ChatGenerationInput, prng: Prng): ChatTool[] {
  const { tools, toolChoice } = input;
  if (tools.length === 0 || toolChoice === 'none') return [];
  if (typeof toolChoice === 'object')
    return tools.filter((tool) => tool.name === toolChoice.name).slice(0, 1);
  // A conversation ending in tool results gets an answer, unless the caller forces another call.
  if (input.toolResults.length > 0 && toolChoice === 'auto') return [];
  const mentioned = tools
    .map((tool) => ({ tool, at: input.lastUserText.indexOf(tool.name) }))
    .filter((entry) => entry.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.tool);
  const chosen = mentioned.length > 0 ? mentioned : toolChoice === 'required' ? [prng.pick(tools)] : [];
  return input.parallelToolCalls ? chosen : chosen.slice(0, 1);
}

function generateToolCalls(
  input: ChatGenerationInput,
  tools: readonly ChatTool[],
  prng: Prng,
  cap: number | undefined,
): { toolCalls: GeneratedToolCall[]; truncated: boolean; tokens: number } {
  const toolNames = new Set(input.tools.map((tool) => tool.name));
  const borrowed = borrowWords(input.lastUserText, toolNames);
  const words = borrowed.length > 0 ? borrowed : CONTENT_WORDS;
  let remaining = cap ?? Number.POSITIVE_INFINITY;
  let truncated = false;
  let tokens = 0;
  const toolCalls: GeneratedToolCall[] = [];
  for (const tool of tools) {
    if (remaining <= 0) break;
    const schema = tool.parameters ?? { type: 'object', properties: {} };
    const argumentsText = JSON.stringify(generateJsonValue(schema, { prng, words, root: schema }));
    let argumentTokens = input.encoder.encode(argumentsText);
    const overhead = input.encoder.encode(tool.name).length + TOOL_CALL_OVERHEAD_TOKENS;
    const allowed = Math.max(0, remaining - overhead);
    if (argumentTokens.length > allowed) {
      argumentTokens = argumentTokens.slice(0, allowed);
      truncated = true;
    }
    const text = argumentTokens.length === 0 ? '' : input.encoder.decode(argumentTokens);
    const cost = Math.min(remaining, overhead + argumentTokens.length);
    toolCalls.push({ id: createToolCallId(prng), name: tool.name, arguments: text, argumentTokens });
    remaining -= cost;
    tokens += cost;
  }
  return { toolCalls, truncated: truncated || toolCalls.length < tools.length, tokens };
}
