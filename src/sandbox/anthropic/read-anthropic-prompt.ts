import { createHash } from 'node:crypto';
import { type ContentMarkers, type MarkerHit, scanForMarkers } from '../engine/content-markers.js';
import type { Hasher } from '../engine/prng.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import type { Encoder } from '../engine/tokenizer.js';
import { verifyThinkingSignature } from './anthropic-ids.js';
import type { CacheBreakpoint, PromptCheckpoint } from './anthropic-prompt-cache.js';
import { checkToolSequence } from './check-tool-sequence.js';
import type { CacheControlBody, ContentBlockBody, PromptBody, ToolBody } from './messages-request-schema.js';

/** The hidden tool-use system prompt Anthropic adds when tools are offered (Claude 3.5+ figures). */
const TOOL_SYSTEM_TOKENS = { chosen: 346, forced: 313 } as const;
const PROMPT_FRAMING_TOKENS = 4;
const MESSAGE_FRAMING_TOKENS = 3;
const BLOCK_FRAMING_TOKENS = 5;
// A ~1.15-megapixel image is ~1,600 tokens (width × height / 750); images are not decoded here.
const IMAGE_TOKENS = 1_600;
const PDF_TOKENS_PER_PAGE = 1_500;
const PDF_BASE64_CHARS_PER_PAGE = 100_000;
const MAX_BREAKPOINTS = 4;

export interface ToolResultText {
  name: string | undefined;
  content: string;
}

/** The prompt, read once: its size, cache checkpoints, what generation needs, and any marker hits. */
export interface ReadPrompt {
  tokens: number;
  checkpoints: PromptCheckpoint[];
  breakpoints: CacheBreakpoint[];
  lastUserText: string;
  /** Tool results in the final user turn, in order; the answer reports on them. */
  toolResults: ToolResultText[];
  markers: MarkerHit;
}

type ToolChoiceType = 'auto' | 'any' | 'tool' | 'none';

/**
 * Walks a Messages prompt in the order the API caches it (tools, system, messages): counts tokens,
 * digests the prefix at every block boundary, records `cache_control` breakpoints, feeds the generation
 * seed and checks what the API checks (tool-use pairing, thinking signatures, breakpoint limits).
 * @example const prompt = new AnthropicPromptReader(encoder, new Hasher(), markers).read(body, 'auto'); prompt.tokens
 */
export class AnthropicPromptReader {
  private tokens = 0;
  private readonly digest = createHash('sha256');
  private readonly checkpoints: PromptCheckpoint[] = [];
  private readonly breakpoints: CacheBreakpoint[] = [];
  private readonly markers: MarkerHit = { blockPrompt: undefined, blockOutput: undefined };

  constructor(
    private readonly encoder: Encoder,
    private readonly seed: Hasher,
    private readonly contentMarkers: ContentMarkers,
  ) {}

  read(body: PromptBody, toolChoice: ToolChoiceType): ReadPrompt {
    this.addOpaque(PROMPT_FRAMING_TOKENS, 'prompt');
    this.readTools(body.tools ?? [], toolChoice);
    this.readSystem(body.system);
    // Thinking settings are part of the message prefix: changing them invalidates cached messages.
    if (body.thinking !== undefined) this.addHashed(JSON.stringify(body.thinking));
    const names = new Map<string, string>();
    let lastUserText = '';
    body.messages.forEach((message, index) => {
      this.addOpaque(MESSAGE_FRAMING_TOKENS, message.role);
      this.seed.update(message.role);
      const blocks: readonly ContentBlockBody[] =
        typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
      const texts: string[] = [];
      blocks.forEach((block, blockIndex) => {
        if (block.type === 'tool_use') names.set(block.id, block.name);
        const text = this.readBlock(block, `messages.${index}.content.${blockIndex}`);
        if (block.type === 'text') texts.push(text);
      });
      if (message.role === 'user' && texts.length > 0) lastUserText = texts.join('\n');
    });
    checkToolSequence(body.messages, body.thinking?.type === 'enabled');
    if (body.cache_control != null && this.checkpoints.length > 0) {
      this.addBreakpoint(body.cache_control, this.checkpoints.length - 1);
    }
    this.checkBreakpoints();
    return {
      tokens: this.tokens,
      checkpoints: this.checkpoints,
      breakpoints: this.breakpoints,
      lastUserText,
      toolResults: trailingToolResults(body, names),
      markers: this.markers,
    };
  }

  private readTools(tools: readonly ToolBody[], toolChoice: ToolChoiceType): void {
    if (tools.length === 0) return;
    const forced = toolChoice === 'any' || toolChoice === 'tool';
    this.addOpaque(forced ? TOOL_SYSTEM_TOKENS.forced : TOOL_SYSTEM_TOKENS.chosen, `tools:${forced}`);
    for (const tool of tools) {
      const { cache_control: cacheControl, ...definition } = tool;
      this.addText(JSON.stringify(definition));
      this.endBlock(cacheControl);
    }
  }

  private readSystem(system: PromptBody['system']): void {
    if (system === undefined) return;
    const blocks = typeof system === 'string' ? [{ text: system, cache_control: undefined }] : system;
    for (const block of blocks) {
      this.addText(block.text);
      this.endBlock(block.cache_control);
    }
  }

  /** Adds one content block and returns its text (for text blocks). */
  private readBlock(block: ContentBlockBody, path: string): string {
    switch (block.type) {
      case 'text':
        this.addText(block.text);
        break;
      case 'image':
        this.addOpaque(IMAGE_TOKENS, sourceIdentity(block.source));
        break;
      case 'document':
        this.readDocument(block);
        break;
      case 'tool_use':
        this.addOpaque(BLOCK_FRAMING_TOKENS, 'tool_use');
        this.addText(`${block.name} ${JSON.stringify(block.input)}`);
        break;
      case 'tool_result': {
        this.addOpaque(BLOCK_FRAMING_TOKENS, 'tool_result');
        // A breakpoint inside a tool result caches up to the end of the result.
        this.endBlock(block.cache_control ?? this.readToolResult(block));
        return '';
      }
      case 'thinking':
      case 'redacted_thinking':
        // Earlier turns' thinking is stripped by the API and counts for nothing; only its signature is checked.
        checkThinking(block, path);
        return '';
      default: {
        const { cache_control: _ignored, ...rest } = block;
        this.addText(JSON.stringify(rest));
      }
    }
    this.endBlock(block.cache_control);
    return block.type === 'text' ? block.text : '';
  }

  private readDocument(block: Extract<ContentBlockBody, { type: 'document' }>): void {
    this.addOpaque(BLOCK_FRAMING_TOKENS, 'document');
    if (block.title) this.addText(block.title);
    if (block.context) this.addText(block.context);
    const source = block.source;
    if (source.type === 'text') this.addText(source.data);
    else if (source.type === 'content') this.addText(JSON.stringify(source.content));
    else if (source.type === 'base64') {
      const pages = Math.max(1, Math.ceil(source.data.length / PDF_BASE64_CHARS_PER_PAGE));
      this.addOpaque(pages * PDF_TOKENS_PER_PAGE, source.data);
    } else this.addOpaque(PDF_TOKENS_PER_PAGE, sourceIdentity(source));
  }

  /** Adds a tool result's content; returns the last `cache_control` found inside it. */
  private readToolResult(block: Extract<ContentBlockBody, { type: 'tool_result' }>): CacheControlBody {
    if (block.is_error) this.addHashed('is_error');
    const content = block.content ?? '';
    if (typeof content === 'string') {
      this.addText(content);
      return undefined;
    }
    let cacheControl: CacheControlBody;
    for (const inner of content) {
      if (inner.type === 'text') this.addText(inner.text);
      else if (inner.type === 'image') this.addOpaque(IMAGE_TOKENS, sourceIdentity(inner.source));
      else this.readDocument(inner);
      cacheControl = inner.cache_control ?? cacheControl;
    }
    return cacheControl;
  }

  private addText(text: string): void {
    this.tokens += this.encoder.encode(text).length;
    this.addHashed(text);
    scanForMarkers(text, this.contentMarkers, this.markers);
  }

  private addOpaque(count: number, identity: string): void {
    this.tokens += count;
    this.addHashed(`\u0000${identity}`);
  }

  private addHashed(text: string): void {
    this.digest.update(text);
    this.digest.update('\u0001');
    this.seed.update(text);
  }

  private endBlock(cacheControl: CacheControlBody): void {
    this.checkpoints.push({ tokens: this.tokens, key: this.digest.copy().digest('base64url') });
    if (cacheControl != null) this.addBreakpoint(cacheControl, this.checkpoints.length - 1);
  }

  private addBreakpoint(cacheControl: NonNullable<CacheControlBody>, checkpoint: number): void {
    this.breakpoints.push({ checkpoint, ttl: cacheControl.ttl ?? '5m' });
  }

  private checkBreakpoints(): void {
    if (this.breakpoints.length > MAX_BREAKPOINTS) {
      throw invalidRequest(
        `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${this.breakpoints.length}.`,
        null,
      );
    }
    const firstShort = this.breakpoints.findIndex((breakpoint) => breakpoint.ttl === '5m');
    if (firstShort >= 0 && this.breakpoints.slice(firstShort).some((breakpoint) => breakpoint.ttl === '1h')) {
      throw invalidRequest(
        "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
        null,
      );
    }
  }
}

function sourceIdentity(source: { type: string } & Record<string, unknown>): string {
  const value = source['data'] ?? source['url'] ?? source['file_id'] ?? '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function checkThinking(
  block: Extract<ContentBlockBody, { type: 'thinking' | 'redacted_thinking' }>,
  path: string,
) {
  if (block.type === 'redacted_thinking') return;
  if (!verifyThinkingSignature(block.thinking, block.signature)) {
    throw invalidRequest(`${path}: Invalid \`signature\` in \`thinking\` block`, null);
  }
}

/** The tool results of the final user turn, named after the tool_use blocks they answer. */
function trailingToolResults(body: PromptBody, names: ReadonlyMap<string, string>): ToolResultText[] {
  const last = body.messages.at(-1);
  if (last === undefined || last.role !== 'user' || typeof last.content === 'string') return [];
  const results: ToolResultText[] = [];
  for (const block of last.content) {
    if (block.type !== 'tool_result') continue;
    const content = block.content ?? '';
    const text =
      typeof content === 'string'
        ? content
        : content.map((inner) => (inner.type === 'text' ? inner.text : `[${inner.type}]`)).join('\n');
    results.push({ name: names.get(block.tool_use_id), content: text });
  }
  return results;
}
