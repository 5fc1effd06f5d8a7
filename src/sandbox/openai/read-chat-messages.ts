import { type ContentMarkers, type MarkerHit, scanForMarkers } from '../engine/content-markers.js';
import { type Hasher, hashString } from '../engine/prng.js';
import type { PromptMeter } from '../engine/prompt-meter.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import type { ChatMessageBody } from './chat-request-schema.js';

/** Per-message framing (`<|im_start|>role … <|im_end|>`) and reply primer, as OpenAI's cookbook counts them. */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMER_TOKENS = 3;
// Images are billed by tile; a typical 1024×1024 "high"/"auto" image is 765 tokens, "low" is always 85.
const IMAGE_TOKENS = { low: 85, high: 765 } as const;
// Audio and files have no public formula that fits here; rough constants keep usage plausible.
const AUDIO_TOKENS = 100;
const FILE_TOKENS = 500;

export interface ReadMessages {
  lastUserText: string;
  toolResults: { name: string | undefined; content: string }[];
  markers: MarkerHit;
  mentionsJson: boolean;
}

type Part =
  | Exclude<Extract<ChatMessageBody, { role: 'user' }>['content'], string>[number]
  | { type: 'refusal'; refusal: string };

/**
 * One pass over the messages: counts prompt tokens, feeds the generation seed, finds content-filter
 * markers and checks tool-call sequencing the way the real API does.
 */
export class ChatMessageReader {
  private lastUserText = '';
  private mentionsJson = false;
  private readonly markers: MarkerHit = { blockPrompt: undefined, blockOutput: undefined };
  private readonly toolNames = new Map<string, string>();
  private pending: { index: number; ids: Set<string> } | undefined;
  private trailing: { name: string | undefined; content: string }[] = [];

  constructor(
    private readonly meter: PromptMeter,
    private readonly seed: Hasher,
    private readonly contentMarkers: ContentMarkers,
  ) {}

  read(messages: readonly ChatMessageBody[]): ReadMessages {
    messages.forEach((message, index) => {
      this.readMessage(message, index);
    });
    this.checkAnswered();
    this.meter.addOpaque(REPLY_PRIMER_TOKENS, 0x7fff0000);
    return {
      lastUserText: this.lastUserText,
      toolResults: this.trailing,
      markers: this.markers,
      mentionsJson: this.mentionsJson,
    };
  }

  private readMessage(message: ChatMessageBody, index: number): void {
    this.meter.addOpaque(TOKENS_PER_MESSAGE, hashString(message.role));
    this.seed.update(message.role);
    if (message.role !== 'tool') this.checkAnswered();
    const name = (message as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') this.addText(name);
    if (message.role === 'tool') {
      if (!this.pending?.ids.delete(message.tool_call_id)) {
        throw invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      const content = this.addContent(message.content);
      this.trailing.push({ name: this.toolNames.get(message.tool_call_id), content });
      return;
    }
    this.trailing = [];
    const text = this.addContent(message.content ?? '');
    if (message.role === 'user') this.lastUserText = text;
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
      for (const call of message.tool_calls) {
        this.toolNames.set(call.id, call.function.name);
        this.addText(call.function.name);
        this.addText(call.function.arguments);
        this.meter.addOpaque(TOKENS_PER_MESSAGE, 0x7ffe0000);
      }
      this.pending = { index, ids: new Set(message.tool_calls.map((call) => call.id)) };
    }
  }

  /** The API refuses a conversation where an assistant's tool calls are not all answered before moving on. */
  private checkAnswered(): void {
    if (!this.pending) return;
    if (this.pending.ids.size > 0) {
      throw invalidRequest(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...this.pending.ids].join(', ')}`,
        `messages.[${this.pending.index}].role`,
      );
    }
    this.pending = undefined;
  }

  private addText(text: string): void {
    this.meter.addText(text);
    this.seed.update(text);
    scanForMarkers(text, this.contentMarkers, this.markers);
    if (!this.mentionsJson && /json/i.test(text)) this.mentionsJson = true;
  }

  /** Adds string or part content; returns its text (parts joined by newlines). */
  private addContent(content: string | readonly Part[] | null): string {
    if (content === null) return '';
    if (typeof content === 'string') {
      this.addText(content);
      return content;
    }
    const texts: string[] = [];
    for (const part of content) {
      if (part.type === 'text') {
        this.addText(part.text);
        texts.push(part.text);
      } else if (part.type === 'refusal') {
        this.addText(part.refusal);
      } else if (part.type === 'image_url') {
        const detail = part.image_url.detail === 'low' ? 'low' : 'high';
        this.meter.addOpaque(IMAGE_TOKENS[detail], hashString(part.image_url.url));
        this.seed.update(part.image_url.url);
      } else if (part.type === 'input_audio') {
        this.meter.addOpaque(AUDIO_TOKENS, hashString(part.input_audio.data));
        this.seed.update(part.input_audio.data);
      } else {
        const identity = part.file.file_id ?? part.file.file_data ?? part.file.filename ?? '';
        this.meter.addOpaque(FILE_TOKENS, hashString(identity));
        this.seed.update(identity);
      }
    }
    return texts.join('\n');
  }
}
