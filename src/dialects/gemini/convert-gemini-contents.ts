import type { AssistantMessage, ChatMessage, ToolMessage, UserMessage } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import { partKind, toToolResult, toUserPart } from './convert-gemini-parts.js';
import type { GeminiContent, GeminiPart } from './gemini-request-schemas.js';
import { ToolCallIds } from './tool-call-ids.js';

export interface ConvertedContents {
  messages: ChatMessage[];
  warnings: Warning[];
}

type AssistantContent = AssistantMessage['content'];

/** The messages built so far, the warnings raised, and where the current turn's messages begin. */
class Collector {
  readonly messages: ChatMessage[] = [];
  readonly warnings: Warning[] = [];
  private turnStart = 0;

  /** Starts a new turn: its parts never merge into the previous turn's messages. */
  startTurn(): void {
    this.turnStart = this.messages.length;
  }

  warn(message: string): void {
    if (!this.warnings.some((warning) => warning.type === 'other' && warning.message === message)) {
      this.warnings.push({ type: 'other', message });
    }
  }

  /** The turn's last message when it is a user message, else a new one. */
  openUser(): UserMessage {
    const last = this.lastOfTurn();
    return last?.role === 'user' ? last : this.push<UserMessage>({ role: 'user', content: [] });
  }

  /** The turn's last message when it is a tool message, else a new one. */
  openTool(): ToolMessage {
    const last = this.lastOfTurn();
    return last?.role === 'tool' ? last : this.push<ToolMessage>({ role: 'tool', content: [] });
  }

  private lastOfTurn(): ChatMessage | undefined {
    return this.messages.length > this.turnStart ? this.messages[this.messages.length - 1] : undefined;
  }

  private push<M extends ChatMessage>(message: M): M {
    this.messages.push(message);
    return message;
  }
}

/** A `user` (or legacy `function`) turn: function responses become tool messages, the rest a user message. */
function convertUserTurn(parts: GeminiPart[], index: number, ids: ToolCallIds, out: Collector): void {
  out.startTurn();
  for (const [partIndex, part] of parts.entries()) {
    const param = `contents[${index}].parts[${partIndex}]`;
    const kind = partKind(part, param);
    if (kind === 'signature-only') continue;
    if (kind === 'functionResponse' && part.functionResponse) {
      const id = ids.forResponse(part.functionResponse, `call_${index}_${partIndex}`);
      out.openTool().content.push(toToolResult(part.functionResponse, id, `${param}.functionResponse`));
    } else {
      out.openUser().content.push(toUserPart(part, kind, param));
    }
  }
}

function codeAsText(part: GeminiPart): string {
  if (part.executableCode) {
    return `\`\`\`${(part.executableCode.language ?? '').toLowerCase()}\n${part.executableCode.code}\n\`\`\``;
  }
  return part.codeExecutionResult?.output ?? '';
}

function convertModelPart(
  part: GeminiPart,
  param: string,
  fallbackId: string,
  context: { ids: ToolCallIds; out: Collector; content: AssistantContent },
): void {
  const { ids, out, content } = context;
  const kind = partKind(part, param);
  const signature = part.thoughtSignature ?? undefined;
  if (part.thought === true && kind === 'text') {
    content.push({ type: 'reasoning', text: part.text ?? '', ...(signature && { signature }) });
    return;
  }
  // A signature on an answer part (Gemini 2.5+ signs the first part after thinking) travels as an
  // empty reasoning part just before it, so a Google target can put it back where it was.
  if (signature !== undefined) content.push({ type: 'reasoning', text: '', signature });
  if (kind === 'text') content.push({ type: 'text', text: part.text ?? '' });
  else if (kind === 'functionCall' && part.functionCall) {
    const call = part.functionCall;
    const toolCallId = ids.forCall(call, fallbackId);
    content.push({
      type: 'tool-call',
      toolCallId,
      toolName: call.name,
      input: JSON.stringify(call.args ?? {}),
    });
  } else if (kind === 'executableCode' || kind === 'codeExecutionResult') {
    content.push({ type: 'text', text: codeAsText(part) });
    out.warn('code execution parts in the history were sent as text');
  } else if (kind === 'inlineData' || kind === 'fileData') {
    out.warn('media parts in model turns were dropped; the canonical model has no assistant media');
  } else if (kind === 'functionResponse') {
    throw new GatewayError(
      'invalid_request',
      `Invalid '${param}': a functionResponse belongs in a user turn, not a model turn.`,
      { param },
    );
  }
}

function convertModelTurn(parts: GeminiPart[], index: number, ids: ToolCallIds, out: Collector): void {
  const content: AssistantContent = [];
  for (const [partIndex, part] of parts.entries()) {
    const param = `contents[${index}].parts[${partIndex}]`;
    convertModelPart(part, param, `call_${index}_${partIndex}`, { ids, out, content });
  }
  if (content.length > 0) out.messages.push({ role: 'assistant', content });
}

/**
 * Converts Gemini `contents` to canonical messages. `model` turns become assistant messages
 * (thought parts → reasoning, functionCall → tool-call with a synthesized id when Gemini sent
 * none); `user` turns become user messages, and their functionResponse parts tool messages paired
 * to the calls they answer. History parts the canonical model cannot hold are converted or dropped
 * with a warning, never silently.
 *
 * @example
 * convertGeminiContents([{ role: 'user', parts: [{ text: 'Hi' }] }]).messages
 * // [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]
 */
export function convertGeminiContents(contents: readonly GeminiContent[]): ConvertedContents {
  const ids = new ToolCallIds();
  const out = new Collector();
  for (const [index, content] of contents.entries()) {
    const parts = content.parts ?? [];
    if (content.role === 'model') convertModelTurn(parts, index, ids, out);
    else convertUserTurn(parts, index, ids, out);
  }
  return { messages: out.messages, warnings: out.warnings };
}
