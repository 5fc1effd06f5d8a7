import type { SandboxModel } from '../default-models.js';
import type { ContentMarkers, MarkerHit } from '../engine/content-markers.js';
import type {
  ChatGenerationInput,
  ChatResponseFormat,
  ChatTool,
  ChatToolChoice,
} from '../engine/generate-chat.js';
import { Hasher } from '../engine/prng.js';
import { PromptMeter } from '../engine/prompt-meter.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import { getEncoder } from '../engine/tokenizer.js';
import { type ChatRequestBody, chatRequestSchema } from './chat-request-schema.js';
import { ChatMessageReader } from './read-chat-messages.js';
import { zodIssueToError } from './zod-issue-to-error.js';

// OpenAI's (private) tool-definition framing; constants chosen to land near the API's counts.
const TOOLS_BASE_TOKENS = 12;
const TOKENS_PER_TOOL = 8;

export interface ParsedChatRequest {
  generation: ChatGenerationInput;
  promptTokens: number;
  /** Prefix fingerprints for the prompt cache (empty under 1024 tokens). */
  cacheBoundaries: readonly string[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens ?? max_tokens`, as requested; the TPM cost uses it. */
  requestedMaxTokens: number | undefined;
  markers: MarkerHit;
}

function unsupported(param: string, hint = ''): Error {
  return invalidRequest(
    `Unsupported parameter: '${param}' is not supported with this model.${hint}`,
    param,
    'unsupported_parameter',
  );
}

/** Checks what only makes sense for this model: reasoning-only parameters and output limits. */
function checkModelLimits(body: ChatRequestBody, model: SandboxModel): number | undefined {
  if (model.reasoning && body.max_tokens != null)
    throw unsupported('max_tokens', " Use 'max_completion_tokens' instead.");
  if (model.reasoning && body.temperature != null) throw unsupported('temperature');
  const param = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const cap = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  if (cap !== undefined && cap > model.maxOutputTokens) {
    throw invalidRequest(
      `${param} is too large: ${cap}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${cap}.`,
      param,
      'invalid_value',
    );
  }
  if (body.stream_options != null && body.stream !== true) {
    throw invalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  return cap;
}

function readTools(
  body: ChatRequestBody,
  meter: PromptMeter,
  seed: Hasher,
): { tools: ChatTool[]; toolChoice: ChatToolChoice } {
  const tools = (body.tools ?? []).map((tool) => ({
    name: tool.function.name,
    parameters: tool.function.parameters,
  }));
  if (tools.length > 0) meter.addOpaque(TOOLS_BASE_TOKENS, 0x7ffd0000);
  for (const tool of body.tools ?? []) {
    const definition = JSON.stringify(tool.function);
    meter.addText(definition);
    meter.addOpaque(TOKENS_PER_TOOL, 0x7ffc0000);
    seed.update(definition);
  }
  const choice = body.tool_choice ?? 'auto';
  if (body.tool_choice != null && tools.length === 0) {
    throw invalidRequest(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
    );
  }
  if (typeof choice === 'object') {
    const name = choice.function.name;
    if (!tools.some((tool) => tool.name === name)) {
      throw invalidRequest(
        `Invalid value for 'tool_choice': function '${name}' is not one of the provided 'tools'.`,
        'tool_choice',
      );
    }
    seed.update(`tool_choice:${name}`);
    return { tools, toolChoice: { name } };
  }
  seed.update(`tool_choice:${choice}`);
  return { tools, toolChoice: choice };
}

function readResponseFormat(
  body: ChatRequestBody,
  meter: PromptMeter,
  seed: Hasher,
  mentionsJson: boolean,
): ChatResponseFormat {
  const format = body.response_format;
  if (!format || format.type === 'text') return { type: 'text' };
  seed.update(format.type);
  if (format.type === 'json_object') {
    if (!mentionsJson) {
      throw invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    }
    return { type: 'json_object' };
  }
  const schema = format.json_schema.schema ?? { type: 'object', properties: {} };
  const text = JSON.stringify(schema);
  meter.addText(text);
  seed.update(text);
  return { type: 'json_schema', schema };
}

function checkContextWindow(model: SandboxModel, promptTokens: number, cap: number | undefined): void {
  if (promptTokens + (cap ?? 0) <= model.contextWindow) return;
  const detail =
    cap === undefined
      ? `However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`
      : `However, you requested ${promptTokens + cap} tokens (${promptTokens} in the messages, ${cap} in the completion). Please reduce the length of the messages or completion.`;
  throw invalidRequest(
    `This model's maximum context length is ${model.contextWindow} tokens. ${detail}`,
    'messages',
    'context_length_exceeded',
  );
}

/**
 * Validates a chat completions body for `model` and normalises it for generation.
 * Throws SandboxError (400) exactly where the real API would refuse.
 */
export function parseChatRequest(
  raw: unknown,
  model: SandboxModel,
  contentMarkers: ContentMarkers,
): ParsedChatRequest {
  const result = chatRequestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw issue ? zodIssueToError(issue, raw) : invalidRequest('Invalid request body.', null);
  }
  const body = result.data;
  const cap = checkModelLimits(body, model);
  const encoder = getEncoder(model.encoding);
  const meter = new PromptMeter(encoder);
  const seed = new Hasher().update(model.id);
  const read = new ChatMessageReader(meter, seed, contentMarkers).read(body.messages);
  const { tools, toolChoice } = readTools(body, meter, seed);
  const responseFormat = readResponseFormat(body, meter, seed, read.mentionsJson);
  if (body.seed != null) seed.updateNumber(body.seed);
  checkContextWindow(model, meter.tokens, cap);
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const generation: ChatGenerationInput = {
    seed: seed.digest(),
    encoder,
    // Marker words must never be echoed back, or the next turn would trip the filter on our own output.
    lastUserText: read.lastUserText
      .replaceAll(contentMarkers.promptMarker, ' ')
      .replaceAll(contentMarkers.outputMarker, ' '),
    toolResults: read.toolResults,
    tools,
    toolChoice,
    parallelToolCalls: body.parallel_tool_calls !== false,
    responseFormat,
    maxOutputTokens: cap,
    stop,
    choiceCount: body.n ?? 1,
    reasoningEffort: model.reasoning ? (body.reasoning_effort ?? 'medium') : undefined,
    filterOutput: false,
  };
  return {
    generation,
    promptTokens: meter.tokens,
    cacheBoundaries: meter.boundaries,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    requestedMaxTokens: cap,
    markers: read.markers,
  };
}
