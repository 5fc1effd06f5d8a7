import { safeParseJson } from '../../core/safe-parse-json.js';
import {
  type ChatTool,
  type ChatToolChoice,
  type GeneratedChoice,
  generateChat,
} from '../engine/generate-chat.js';
import type { Encoder } from '../engine/tokenizer.js';
import type { PromptAccumulator } from './prompt-accumulator.js';

/** A prompt read from any Bedrock body (Converse or a model-native one), ready for generation. */
export interface BedrockPrompt {
  accumulator: PromptAccumulator;
  lastUserText: string;
  /** Tool results closing the conversation; the answer then quotes them. */
  toolResults: { name: string | undefined; content: string }[];
  tools: ChatTool[];
  toolChoice: ChatToolChoice;
  maxTokens: number | undefined;
  stopSequences: readonly string[];
  /** The guardrail marker appears in the prompt (only acted on when a guardrail is configured). */
  guardrailMarkerSeen: boolean;
}

export type BedrockStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened';

export type ReplyBlock =
  | { type: 'text'; text: string; pieces: string[] }
  | {
      type: 'toolUse';
      /** 22 alphanumerics; each wire format adds its own prefix (`tooluse_`, `toolu_bdrk_01`). */
      idSuffix: string;
      name: string;
      input: Record<string, unknown>;
      inputJson: string;
      pieces: string[];
    };

export interface BedrockReply {
  blocks: ReplyBlock[];
  stopReason: BedrockStopReason;
  stopSequence: string | null;
  outputTokens: number;
}

/** The default blocked-input message of a Bedrock guardrail. */
export const GUARDRAIL_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';
const TOOL_INPUT_TOKENS_PER_DELTA = 4;

function textBlock(text: string, encoder: Encoder): { block: ReplyBlock; tokens: number } {
  const tokens = encoder.encode(text);
  return {
    block: { type: 'text', text, pieces: text === '' ? [''] : encoder.decodePieces(tokens) },
    tokens: tokens.length,
  };
}

function toolBlocks(choice: GeneratedChoice, encoder: Encoder): ReplyBlock[] {
  return choice.toolCalls.map((call) => {
    const parsed = safeParseJson(call.arguments);
    // A call cut by maxTokens is not valid JSON; the service then reports what it could parse: nothing.
    const input =
      parsed.success &&
      typeof parsed.value === 'object' &&
      parsed.value !== null &&
      !Array.isArray(parsed.value)
        ? (parsed.value as Record<string, unknown>)
        : {};
    const pieces: string[] = [];
    for (let start = 0; start < call.argumentTokens.length; start += TOOL_INPUT_TOKENS_PER_DELTA) {
      pieces.push(encoder.decode(call.argumentTokens.slice(start, start + TOOL_INPUT_TOKENS_PER_DELTA)));
    }
    return {
      type: 'toolUse',
      idSuffix: call.id.slice(5, 27),
      name: call.name,
      input,
      inputJson: call.arguments,
      pieces,
    };
  });
}

function cutAtStopSequence(text: string, stops: readonly string[]): { text: string; stop: string | null } {
  let earliest: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (earliest === undefined || at < earliest.at)) earliest = { at, stop };
  }
  return earliest ? { text: text.slice(0, earliest.at), stop: earliest.stop } : { text, stop: null };
}

/**
 * Generates the deterministic answer to a Bedrock prompt with the shared engine: same prompt, same
 * answer; `maxTokens` cuts at exactly that many tokens (`max_tokens`), a stop sequence cuts before it
 * (`stop_sequence`), tools named in the last user message (or forced by the tool choice) are called
 * with schema-valid input (`tool_use`), and a conversation ending in tool results gets text quoting them.
 * @example generateBedrockReply(prompt).stopReason // 'end_turn'
 */
export function generateBedrockReply(prompt: BedrockPrompt): BedrockReply {
  const encoder = prompt.accumulator.encoder;
  const [choice] = generateChat({
    seed: prompt.accumulator.seed(),
    encoder,
    lastUserText: prompt.lastUserText,
    toolResults: prompt.toolResults,
    tools: prompt.tools,
    toolChoice: prompt.toolChoice,
    parallelToolCalls: true,
    responseFormat: { type: 'text' },
    maxOutputTokens: prompt.maxTokens,
    // Stop sequences are applied below, so the answer can say which one matched.
    stop: [],
    choiceCount: 1,
    reasoningEffort: undefined,
    filterOutput: false,
  });
  if (choice === undefined) throw new Error('generation produced no choice');
  if (choice.toolCalls.length > 0) {
    return {
      blocks: toolBlocks(choice, encoder),
      stopReason: choice.finishReason === 'length' ? 'max_tokens' : 'tool_use',
      stopSequence: null,
      outputTokens: choice.completionTokens,
    };
  }
  const cut = cutAtStopSequence(choice.text ?? '', prompt.stopSequences);
  const { block, tokens } = textBlock(cut.text, encoder);
  const stopReason =
    cut.stop !== null ? 'stop_sequence' : choice.finishReason === 'length' ? 'max_tokens' : 'end_turn';
  return { blocks: [block], stopReason, stopSequence: cut.stop, outputTokens: tokens };
}

/** What comes back when a guardrail blocks the input: its message, and no model output to bill. */
export function generateGuardrailReply(encoder: Encoder): BedrockReply {
  const { block } = textBlock(GUARDRAIL_BLOCKED_MESSAGE, encoder);
  return { blocks: [block], stopReason: 'guardrail_intervened', stopSequence: null, outputTokens: 0 };
}
