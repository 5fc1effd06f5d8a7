import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import {
  convertToOpenAIChatMessages,
  type OpenAIChatMessage,
  type OpenAIMessageOptions,
} from './convert-to-openai-chat-messages.js';

/** Canonical settings a target may not honour; each maps to one warning when dropped. */
export type ChatSetting =
  | 'temperature'
  | 'topP'
  | 'topK'
  | 'frequencyPenalty'
  | 'presencePenalty'
  | 'seed'
  | 'stopSequences'
  | 'user'
  | 'metadata'
  | 'reasoningEffort'
  | 'toolChoice'
  | 'parallelToolCalls'
  | 'responseFormat';

/** What one target (provider + model) accepts on the Chat Completions wire. */
export interface OpenAIChatOptions extends OpenAIMessageOptions {
  /** The `providerOptions` key whose entries are merged into the body, e.g. `openai`. */
  providerType: string;
  /** `max_completion_tokens` (OpenAI, Azure, reasoning models) or `max_tokens` (vLLM, Ollama, llama.cpp). */
  tokenCapField: 'max_tokens' | 'max_completion_tokens';
  /** Settings the target rejects or ignores: never sent, each reported as a warning. */
  unsupportedSettings: readonly ChatSetting[];
  /** Wire name for `topK` (`top_k` on vLLM and llama.cpp); undefined means unsupported. */
  topKField?: string;
  /** Whether the target understands `stream_options.include_usage`. */
  streamUsage: boolean;
  /** OpenAI accepts `metadata` only together with `store: true`. */
  metadataRequiresStore: boolean;
}

export type OpenAIChatRequestBody = { model: string; messages: OpenAIChatMessage[] } & Record<
  string,
  unknown
>;

// The converter owns these; a providerOptions entry may not replace them.
const RESERVED_KEYS = new Set(['model', 'messages', 'stream']);

/** `unsupportedSettings` as a set, per options object (providers hand out the same one per model). */
const unsupportedSets = new WeakMap<OpenAIChatOptions, ReadonlySet<ChatSetting>>();

function unsupportedOf(options: OpenAIChatOptions): ReadonlySet<ChatSetting> {
  let unsupported = unsupportedSets.get(options);
  // Compared by content too, so an options object changed after first use is still read right.
  if (unsupported === undefined || !sameSettings(unsupported, options.unsupportedSettings)) {
    unsupported = new Set(options.unsupportedSettings);
    unsupportedSets.set(options, unsupported);
  }
  return unsupported;
}

function sameSettings(set: ReadonlySet<ChatSetting>, list: readonly ChatSetting[]): boolean {
  if (set.size !== list.length) return false;
  for (const setting of list) if (!set.has(setting)) return false;
  return true;
}

/**
 * Converts a canonical request into a Chat Completions body for one target. Streams always ask for
 * usage (when the target understands it): the gateway accounts every call, whatever its client asked.
 *
 * @example
 * const { body, warnings } = convertToOpenAIChatRequest(request, 'gpt-4o', openAIChatOptions('gpt-4o'));
 */
export function convertToOpenAIChatRequest(
  request: ChatRequest,
  modelId: string,
  options: OpenAIChatOptions,
): { body: OpenAIChatRequestBody; warnings: Warning[] } {
  const { messages, warnings } = convertToOpenAIChatMessages(request.messages, options);
  const body: OpenAIChatRequestBody = { model: modelId, messages };
  const unsupported = unsupportedOf(options);
  const set = (setting: ChatSetting, wireKey: string | undefined, value: unknown) => {
    if (value === undefined) return;
    if (wireKey === undefined || unsupported.has(setting)) {
      warnings.push({
        type: 'unsupported-setting',
        setting,
        details: 'the target does not support it; not sent',
      });
    } else body[wireKey] = value;
  };
  if (request.maxOutputTokens !== undefined) body[options.tokenCapField] = request.maxOutputTokens;
  set('temperature', 'temperature', request.temperature);
  set('topP', 'top_p', request.topP);
  set('topK', options.topKField, request.topK);
  set('frequencyPenalty', 'frequency_penalty', request.frequencyPenalty);
  set('presencePenalty', 'presence_penalty', request.presencePenalty);
  set('seed', 'seed', request.seed);
  set('stopSequences', 'stop', request.stopSequences?.length ? request.stopSequences : undefined);
  set('user', 'user', request.user);
  set('reasoningEffort', 'reasoning_effort', request.reasoningEffort);
  set('responseFormat', 'response_format', convertResponseFormat(request.responseFormat));
  // tools: [] is rejected by OpenAI, and tool_choice/parallel_tool_calls are only valid with tools.
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = request.tools.map(convertTool);
    set('toolChoice', 'tool_choice', convertToolChoice(request.toolChoice));
    set('parallelToolCalls', 'parallel_tool_calls', request.parallelToolCalls);
  }
  const extra = chatWireOptions(request.providerOptions, options.providerType);
  setMetadata(body, request.metadata, extra, options, warnings);
  if (request.stream) {
    body['stream'] = true;
    if (options.streamUsage)
      body['stream_options'] = { ...asRecord(extra?.['stream_options']), include_usage: true };
  }
  return { body: mergeProviderOptions(body, extra, options.providerType, warnings), warnings };
}

function setMetadata(
  body: OpenAIChatRequestBody,
  metadata: Record<string, string> | undefined,
  extra: Record<string, unknown> | undefined,
  options: OpenAIChatOptions,
  warnings: Warning[],
): void {
  if (metadata === undefined) return;
  if (options.unsupportedSettings.includes('metadata')) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'metadata',
      details: 'the target does not support it; not sent',
    });
  } else if (options.metadataRequiresStore && extra?.['store'] !== true) {
    // Turning on storage of the user's prompts to make metadata pass would be a silent, larger change.
    warnings.push({
      type: 'unsupported-setting',
      setting: 'metadata',
      details: `only accepted with store: true (providerOptions.${options.providerType}.store); not sent`,
    });
  } else body['metadata'] = metadata;
}

function mergeProviderOptions(
  body: OpenAIChatRequestBody,
  extra: Record<string, unknown> | undefined,
  providerType: string,
  warnings: Warning[],
): OpenAIChatRequestBody {
  if (extra === undefined) return body;
  const merged: OpenAIChatRequestBody = { ...body };
  for (const [key, value] of Object.entries(extra)) {
    // Assigning `__proto__` would set the body's prototype: a parsed JSON key must never do that.
    if (key === '__proto__') continue;
    if (RESERVED_KEYS.has(key)) {
      warnings.push({ type: 'unsupported-setting', setting: `providerOptions.${providerType}.${key}` });
    } else if (key !== 'stream_options' || body['stream_options'] === undefined) {
      merged[key] = value;
    }
  }
  return merged;
}

/**
 * The options passed through to a Chat Completions body: those written for the OpenAI wire
 * (`providerOptions.openai`, what the OpenAI and Azure dialects collect) apply to every target that
 * speaks it, and the target's own entry (`providerOptions['azure-openai']`, …) wins over them.
 */
export function chatWireOptions(
  providerOptions: Record<string, Record<string, unknown>> | undefined,
  providerType: string,
): Record<string, unknown> | undefined {
  const shared = providerOptions?.['openai'];
  const own = providerType === 'openai' ? undefined : providerOptions?.[providerType];
  if (own === undefined) return shared;
  if (shared === undefined) return own;
  return { ...shared, ...own };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function convertTool(tool: ToolDefinition) {
  return {
    type: 'function' as const,
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      ...(tool.strict === undefined ? {} : { strict: tool.strict }),
    },
  };
}

function convertToolChoice(choice: ToolChoice | undefined) {
  if (choice === undefined) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.toolName } };
  return choice.type;
}

function convertResponseFormat(format: ResponseFormat | undefined) {
  switch (format?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          ...(format.description === undefined ? {} : { description: format.description }),
          schema: format.schema,
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
  }
}
