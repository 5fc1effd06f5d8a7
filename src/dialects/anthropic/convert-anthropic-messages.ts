import type {
  AssistantMessage,
  ChatMessage,
  SystemMessage,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicTextBlock,
} from './anthropic-request-schemas.js';
import {
  toDocumentPart,
  toImagePart,
  toTextPart,
  toToolResultPart,
  unsupportedFeature,
} from './convert-anthropic-content.js';

/** Tool-use ids seen so far → tool names, so results can be paired and carry the name. */
type ToolNames = Map<string, string>;

interface Conversion {
  names: ToolNames;
  warnings: Warning[];
}

function misplaced(param: string, type: string, role: string): GatewayError {
  return new GatewayError(
    'invalid_request',
    `${param}: \`${type}\` blocks are not allowed in ${role} messages.`,
    { param },
  );
}

function refuseUnsupported(block: AnthropicContentBlock, param: string): never {
  throw unsupportedFeature(
    `${param}.type`,
    `\`${block.type}\` blocks are not supported; the gateway serves client tools only (no server tools, search results or containers).`,
  );
}

function toSystemMessage(content: string | AnthropicTextBlock[]): SystemMessage {
  if (typeof content === 'string') return { role: 'system', content: [{ type: 'text', text: content }] };
  return { role: 'system', content: content.map(toTextPart) };
}

function toAssistantMessage(
  content: string | AnthropicContentBlock[],
  param: string,
  conversion: Conversion,
): AssistantMessage {
  if (typeof content === 'string') {
    return { role: 'assistant', content: content === '' ? [] : [{ type: 'text', text: content }] };
  }
  const parts: AssistantMessage['content'] = content.map((block, index) => {
    const blockParam = `${param}.${index}`;
    switch (block.type) {
      case 'text':
        return toTextPart(block);
      case 'thinking':
        return { type: 'reasoning', text: block.thinking, signature: block.signature };
      case 'redacted_thinking':
        return { type: 'reasoning', text: '', redactedData: block.data };
      case 'tool_use':
        conversion.names.set(block.id, block.name);
        if (block.cache_control !== undefined && block.cache_control !== null) {
          conversion.warnings.push({
            type: 'unsupported-setting',
            setting: `${blockParam}.cache_control`,
            details: 'breakpoints on tool_use blocks are not supported; not sent',
          });
        }
        return {
          type: 'tool-call',
          toolCallId: block.id,
          toolName: block.name,
          input: JSON.stringify(block.input),
        };
      case 'image':
      case 'document':
      case 'tool_result':
        throw misplaced(blockParam, block.type, 'assistant');
      default:
        return refuseUnsupported(block, blockParam);
    }
  });
  return { role: 'assistant', content: parts };
}

type UserPart = UserMessage['content'][number];
type TurnMessage = UserMessage | ToolMessage;

function toToolResult(
  block: AnthropicContentBlock & { type: 'tool_result' },
  param: string,
  names: ToolNames,
): ToolResultPart {
  const toolName = names.get(block.tool_use_id);
  if (toolName === undefined) {
    throw new GatewayError(
      'invalid_request',
      `${param}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in an earlier assistant message.`,
      { param: `${param}.tool_use_id` },
    );
  }
  return toToolResultPart(block, param, toolName);
}

/** Appends to the last message when it has the part's role, so runs of one kind stay together. */
function append(messages: TurnMessage[], part: UserPart | ToolResultPart): void {
  const last = messages[messages.length - 1];
  if (part.type === 'tool-result') {
    if (last?.role === 'tool') last.content.push(part);
    else messages.push({ role: 'tool', content: [part] });
  } else if (last?.role === 'user') last.content.push(part);
  else messages.push({ role: 'user', content: [part] });
}

function toUserPart(
  block: AnthropicContentBlock,
  param: string,
  conversion: Conversion,
): UserPart | ToolResultPart {
  switch (block.type) {
    case 'text':
      return toTextPart(block);
    case 'image':
      return toImagePart(block, param);
    case 'document':
      return toDocumentPart(block, param, conversion.warnings);
    case 'tool_result':
      return toToolResult(block, param, conversion.names);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      throw misplaced(param, block.type, 'user');
    default:
      return refuseUnsupported(block, param);
  }
}

/** One Anthropic user turn → canonical messages: tool results become `tool` messages, the rest `user`. */
function toUserMessages(
  content: string | AnthropicContentBlock[],
  param: string,
  conversion: Conversion,
): TurnMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content: [{ type: 'text', text: content }] }];
  const messages: TurnMessage[] = [];
  content.forEach((block, index) => {
    append(messages, toUserPart(block, `${param}.${index}`, conversion));
  });
  return messages;
}

/**
 * Converts Anthropic's `system` and `messages` to canonical messages: the system prompt leads,
 * `tool_use` becomes a tool call (input re-serialised as JSON text), `tool_result` a `tool` message
 * paired with its call by id, `thinking`/`redacted_thinking` reasoning with its signature or data,
 * and `cache_control` a canonical breakpoint. Warnings collect what has no canonical field.
 *
 * @example
 * convertAnthropicMessages('Be brief.', [{ role: 'user', content: 'Hi' }], []).map((m) => m.role)
 * // ['system', 'user']
 */
export function convertAnthropicMessages(
  system: string | AnthropicTextBlock[] | null | undefined,
  messages: readonly AnthropicMessage[],
  warnings: Warning[],
): ChatMessage[] {
  const conversion: Conversion = { names: new Map(), warnings };
  const result: ChatMessage[] = [];
  if (system !== undefined && system !== null && system !== '') result.push(toSystemMessage(system));
  messages.forEach((message, index) => {
    const param = `messages.${index}.content`;
    if (message.role === 'system') result.push(toSystemMessage(message.content));
    else if (message.role === 'assistant') {
      const assistant = toAssistantMessage(message.content, param, conversion);
      if (assistant.content.length > 0) result.push(assistant);
    } else result.push(...toUserMessages(message.content, param, conversion));
  });
  return result;
}
