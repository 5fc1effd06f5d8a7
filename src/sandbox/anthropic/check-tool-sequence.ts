import { invalidRequest } from '../engine/sandbox-error.js';
import type { MessageBody } from './messages-request-schema.js';

function toolUseIds(message: MessageBody | undefined): string[] {
  if (message?.role !== 'assistant' || typeof message.content === 'string') return [];
  return message.content.flatMap((block) => (block.type === 'tool_use' ? [block.id] : []));
}

function toolResultIds(message: MessageBody | undefined): Set<string> {
  if (message?.role !== 'user' || typeof message.content === 'string') return new Set();
  return new Set(
    message.content.flatMap((block) => (block.type === 'tool_result' ? [block.tool_use_id] : [])),
  );
}

/**
 * The API's pairing rules: every `tool_use` is answered by a `tool_result` in the very next message,
 * every `tool_result` answers a `tool_use` of the message before, and with thinking on, an assistant
 * turn continued through tool results must begin with its (signed) thinking block.
 * @example checkToolSequence(body.messages, body.thinking?.type === 'enabled'); // throws the API's 400
 */
export function checkToolSequence(messages: readonly MessageBody[], thinkingEnabled: boolean): void {
  messages.forEach((message, index) => {
    if (typeof message.content === 'string') return;
    if (message.role === 'assistant') {
      const next = messages[index + 1];
      if (next === undefined) return;
      const answered = toolResultIds(next);
      const missing = toolUseIds(message).filter((id) => !answered.has(id));
      if (missing.length > 0) {
        throw invalidRequest(
          `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
          null,
        );
      }
      return;
    }
    const known = new Set(toolUseIds(messages[index - 1]));
    message.content.forEach((block, blockIndex) => {
      if (block.type === 'tool_result' && !known.has(block.tool_use_id)) {
        throw invalidRequest(
          `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          null,
        );
      }
    });
  });
  if (thinkingEnabled) checkThinkingContinuation(messages);
}

function checkThinkingContinuation(messages: readonly MessageBody[]): void {
  const index = messages.length - 2;
  const assistant = messages[index];
  if (toolResultIds(messages.at(-1)).size === 0 || toolUseIds(assistant).length === 0) return;
  const first = typeof assistant?.content === 'string' ? 'text' : assistant?.content[0]?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return;
  throw invalidRequest(
    `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
    null,
  );
}
