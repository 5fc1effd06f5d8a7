import type { ChatSetting, OpenAIChatOptions } from './convert-to-openai-chat-request.js';
import type { OpenAIChatChunk, OpenAIChatResponse } from './openai-chat-api-schemas.js';

export type OpenAICompatibleFlavorName = 'generic' | 'vllm' | 'ollama' | 'llamacpp';

/** One self-hosted server's quirks on the Chat Completions wire. */
export interface OpenAICompatibleFlavor {
  /** Settings the server ignores or rejects: not sent, reported as warnings. */
  unsupportedSettings: readonly ChatSetting[];
  /** The server's (non-OpenAI) `top_k` extension, when it has one. */
  topKField: string | undefined;
  extractResponseMetadata?(response: OpenAIChatResponse): Record<string, unknown> | undefined;
  extractChunkMetadata?(chunk: OpenAIChatChunk): Record<string, unknown> | undefined;
}

/** llama.cpp's server adds per-request `timings` (prompt/predicted counts and ms) to answers. */
function extractLlamaCppTimings(
  value: OpenAIChatResponse | OpenAIChatChunk,
): Record<string, unknown> | undefined {
  const timings = value['timings'];
  return typeof timings === 'object' && timings !== null ? { timings } : undefined;
}

/**
 * The known servers. All take `max_tokens` (not `max_completion_tokens`), none takes OpenAI's
 * `metadata`, and all may omit stream usage (older Ollama ignores `stream_options`), which the
 * stream tolerates.
 *
 * @example
 * OPENAI_COMPATIBLE_FLAVORS.vllm.topKField; // 'top_k'
 */
export const OPENAI_COMPATIBLE_FLAVORS: Record<OpenAICompatibleFlavorName, OpenAICompatibleFlavor> = {
  generic: { unsupportedSettings: ['metadata'], topKField: undefined },
  // vLLM also streams reasoning as `reasoning_content` (older) or `reasoning` (newer); both are read.
  vllm: { unsupportedSettings: ['metadata'], topKField: 'top_k' },
  // Ollama's OpenAI endpoint documents no tool_choice, parallel_tool_calls, user or top_k.
  ollama: {
    unsupportedSettings: ['metadata', 'toolChoice', 'parallelToolCalls', 'user'],
    topKField: undefined,
  },
  llamacpp: {
    unsupportedSettings: ['metadata'],
    topKField: 'top_k',
    extractResponseMetadata: extractLlamaCppTimings,
    extractChunkMetadata: extractLlamaCppTimings,
  },
};

/** The wire options for every model of a flavor (self-hosted servers do not vary by model).  *
 * @example
 * flavorChatOptions(OPENAI_COMPATIBLE_FLAVORS.ollama, 'openai-compatible').tokenCapField; // 'max_tokens'
 */
export function flavorChatOptions(flavor: OpenAICompatibleFlavor, providerType: string): OpenAIChatOptions {
  return {
    providerType,
    tokenCapField: 'max_tokens',
    systemRole: 'system',
    supportsPdfFiles: false,
    unsupportedSettings: flavor.unsupportedSettings,
    topKField: flavor.topKField,
    streamUsage: true,
    metadataRequiresStore: false,
  };
}
