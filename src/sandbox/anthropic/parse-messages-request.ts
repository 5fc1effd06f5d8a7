import type { z } from 'zod';
import type { ContentMarkers } from '../engine/content-markers.js';
import type { ChatTool } from '../engine/generate-chat.js';
import { Hasher } from '../engine/prng.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import type { AnthropicSandboxModel } from './anthropic-models.js';
import { formatValidationMessage } from './format-validation-message.js';
import type { MessageGenerationInput } from './generate-message.js';
import type { MessagesRequestBody, PromptBody } from './messages-request-schema.js';
import { AnthropicPromptReader, type ReadPrompt } from './read-anthropic-prompt.js';

/** Anthropic's documented trigger for a `redacted_thinking` block, for testing clients. */
export const REDACTED_THINKING_TRIGGER =
  'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB';

const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

export interface ParsedMessagesRequest {
  stream: boolean;
  maxTokens: number;
  prompt: ReadPrompt;
  generation: MessageGenerationInput;
}

/**
 * Runs a schema over a body and throws the API's 400 for the first issue.
 * @example const body = validateBody(messagesRequestSchema, raw);
 */
export function validateBody<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.output<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidRequest(issue ? formatValidationMessage(issue, raw) : 'Invalid request body.', null);
}

type ToolChoiceBody = NonNullable<PromptBody['tool_choice']>;

function checkToolChoice(body: PromptBody): ToolChoiceBody {
  const choice = body.tool_choice ?? { type: 'auto' };
  const tools = body.tools ?? [];
  if ((choice.type === 'any' || choice.type === 'tool') && tools.length === 0) {
    throw invalidRequest(
      `tool_choice: \`tools\` must be provided when \`tool_choice.type\` is '${choice.type}'`,
      null,
    );
  }
  if (choice.type === 'tool' && !tools.some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`tool_choice.name: Tool '${choice.name}' not found in provided tools`, null);
  }
  return choice;
}

/** Thinking budget in tokens, after the checks the API makes; undefined when thinking is off. */
function checkThinking(
  body: MessagesRequestBody | Omit<MessagesRequestBody, 'model'>,
  model: AnthropicSandboxModel,
  choice: ToolChoiceBody,
): number | undefined {
  const thinking = body.thinking;
  if (thinking === undefined || thinking.type === 'disabled') return undefined;
  if (!model.thinking) throw invalidRequest(`'${model.id}' does not support thinking.`, null);
  const budget = thinking.type === 'enabled' ? thinking.budget_tokens : Math.min(body.max_tokens - 1, 8_192);
  if (thinking.type === 'enabled' && body.max_tokens <= budget) {
    throw invalidRequest(
      `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`,
      null,
    );
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    throw invalidRequest(
      `\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${THINKING_DOCS}#feature-compatibility`,
      null,
    );
  }
  if (body.top_k !== undefined) {
    throw invalidRequest(
      `\`top_k\` must be unset when thinking is enabled. Please consult our documentation at ${THINKING_DOCS}#feature-compatibility`,
      null,
    );
  }
  if (choice.type === 'any' || choice.type === 'tool') {
    throw invalidRequest('Thinking may not be enabled when tool_choice forces tool use.', null);
  }
  return budget;
}

function checkLimits(model: AnthropicSandboxModel, maxTokens: number, promptTokens: number): void {
  if (maxTokens > model.maxOutputTokens) {
    throw invalidRequest(
      `max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`,
      null,
    );
  }
  if (promptTokens > model.contextWindow) {
    throw invalidRequest(`prompt is too long: ${promptTokens} tokens > ${model.contextWindow} maximum`, null);
  }
  if (promptTokens + maxTokens > model.contextWindow) {
    throw invalidRequest(
      `input length and \`max_tokens\` exceed context limit: ${promptTokens} + ${maxTokens} > ${model.contextWindow}, decrease input length or \`max_tokens\` and try again`,
      null,
    );
  }
}

function customTools(body: PromptBody): ChatTool[] {
  // Server tools run at Anthropic; the emulator never calls them.
  return (body.tools ?? []).flatMap((tool) =>
    'input_schema' in tool && tool.input_schema !== undefined
      ? [{ name: tool.name, parameters: tool.input_schema as Record<string, unknown> }]
      : [],
  );
}

/**
 * Counts and reads a prompt for `model` (count_tokens, and the first half of a messages call).
 * @example readPrompt(body, model, markers).tokens
 */
export function readPrompt(
  body: PromptBody,
  model: AnthropicSandboxModel,
  markers: ContentMarkers,
  seed = new Hasher(),
) {
  const choice = checkToolChoice(body);
  const reader = new AnthropicPromptReader(getEncoder('o200k_base'), seed.update(model.id), markers);
  return { prompt: reader.read(body, choice.type), choice };
}

/**
 * Validates an already schema-checked Messages body for `model` and normalises it for generation.
 * Throws SandboxError (400) where the real API refuses.
 * @example const parsed = parseMessagesRequest(body, model, engine.options.contentFilter); generateMessage(parsed.generation);
 */
export function parseMessagesRequest(
  body: MessagesRequestBody | Omit<MessagesRequestBody, 'model'>,
  model: AnthropicSandboxModel,
  markers: ContentMarkers,
): ParsedMessagesRequest {
  const seed = new Hasher();
  const { prompt, choice } = readPrompt(body, model, markers, seed);
  const thinkingBudget = checkThinking(body, model, choice);
  checkLimits(model, body.max_tokens, prompt.tokens);
  // Stop sequences and max_tokens only cut the answer short; they never change its words.
  const stopSequences = body.stop_sequences ?? [];
  seed.update(`tool_choice:${JSON.stringify(choice)}`);
  const refusal = prompt.markers.blockPrompt ? 'prompt' : prompt.markers.blockOutput ? 'output' : undefined;
  const lastUserText = prompt.lastUserText
    .replaceAll(markers.promptMarker, ' ')
    .replaceAll(markers.outputMarker, ' ');
  return {
    stream: body.stream === true,
    maxTokens: body.max_tokens,
    prompt,
    generation: {
      seed: seed.digest(),
      encoder: getEncoder('o200k_base'),
      lastUserText: lastUserText.replaceAll(REDACTED_THINKING_TRIGGER, ' '),
      toolResults: prompt.toolResults,
      tools: customTools(body),
      toolChoice: choice.type === 'tool' ? { name: choice.name } : choice.type,
      parallelToolCalls: choice.type === 'none' || choice.disable_parallel_tool_use !== true,
      maxTokens: body.max_tokens,
      stopSequences,
      thinkingBudget,
      redactedThinking:
        thinkingBudget !== undefined && prompt.lastUserText.includes(REDACTED_THINKING_TRIGGER),
      refusal,
    },
  };
}
