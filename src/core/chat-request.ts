import type { JsonSchema } from './json-schema.js';

/** A prompt-cache breakpoint: everything up to and including the marked part may be cached. */
export interface CacheControl {
  ttl: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

/** Binary content is either inline (base64, no data: prefix) or a URL the provider may fetch. */
export type MediaSource = { type: 'base64'; mediaType: string; data: string } | { type: 'url'; url: string };

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  /** OpenAI's `detail` hint; ignored by providers without one. */
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  name?: string;
  cacheControl?: CacheControl;
}

export interface AudioPart {
  type: 'audio';
  /** base64 audio bytes */
  data: string;
  format: string;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Opaque signature some providers require to accept reasoning back in history. */
  signature?: string;
  /** Encrypted/redacted reasoning a provider returns instead of text. */
  redactedData?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  /** The arguments as JSON text, exactly as produced (providers with object inputs parse it). */
  input: string;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName?: string;
  output: Array<TextPart | ImagePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

export type SystemMessage = { role: 'system'; content: TextPart[] };
export type UserMessage = { role: 'user'; content: Array<TextPart | ImagePart | DocumentPart | AudioPart> };
export type AssistantMessage = { role: 'assistant'; content: Array<TextPart | ReasoningPart | ToolCallPart> };
export type ToolMessage = { role: 'tool'; content: ToolResultPart[] };

/**
 * Messages in conversation order. `system` messages may appear anywhere (OpenAI allows it);
 * providers that only take a leading system prompt hoist them and say so with a warning when that
 * changes meaning.
 */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  strict?: boolean;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; toolName: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: JsonSchema; description?: string; strict?: boolean };

/**
 * The canonical chat request every dialect parses into and every provider converts from.
 *
 * @example
 * const request: ChatRequest = {
 *   model: 'gpt-4o',
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
 *   stream: false,
 * };
 */
export interface ChatRequest {
  /** The model name the caller asked for (a public name or alias, before routing). */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stopSequences?: string[];
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high';
  /** End-user identifier for abuse tracking, forwarded where the target supports one. */
  user?: string;
  metadata?: Record<string, string>;
  /** Settings with no canonical field, keyed by provider type (`openai`, `bedrock`, …), passed through. */
  providerOptions?: Record<string, Record<string, unknown>>;
}
