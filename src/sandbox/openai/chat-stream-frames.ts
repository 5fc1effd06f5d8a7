import type { GeneratedChoice } from '../engine/generate-chat.js';
import type { StreamPlan } from '../engine/pacing.js';
import type { Encoder } from '../engine/tokenizer.js';
import type { ChatDecoration, ChatResult } from './chat-completion-body.js';

export const DONE_FRAME = 'data: [DONE]\n\n';

/**
 * Builds the SSE frames of a streamed chat completion: role chunk, one chunk per token (text or
 * tool-call arguments), finish chunk, optional usage chunk, `[DONE]`. The chunk envelope is serialised
 * once and each token only adds its JSON-escaped piece, keeping per-token work to one small string.
 */
export function buildChatStreamFrames(
  result: ChatResult,
  decoration: ChatDecoration,
  encoder: Encoder,
  includeUsage: boolean,
): StreamPlan {
  const head =
    `data: {"id":"${result.id}","object":"chat.completion.chunk","created":${result.created},"model":${JSON.stringify(result.model)}` +
    `${decoration.serviceTier ? ',"service_tier":"default"' : ''},"system_fingerprint":"${result.fingerprint}","choices":[`;
  const tail = includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const frames = decoration.preamble();
  const chunk = (choiceJson: string): string => head + choiceJson + tail;
  let contentStart = -1;
  for (const choice of result.choices) {
    const open = `{"index":${choice.index},"delta":`;
    const close = (kind: 'role' | 'content' | 'finish', finish: string): string =>
      `,"logprobs":null,"finish_reason":${finish}${decoration.chunkChoiceFields(kind, choice)}}`;
    const roleDelta =
      choice.text === null
        ? '{"role":"assistant","content":null,"refusal":null}'
        : '{"role":"assistant","content":"","refusal":null}';
    frames.push(chunk(open + roleDelta + close('role', 'null')));
    if (contentStart < 0) contentStart = frames.length;
    for (const delta of contentDeltas(choice, encoder))
      frames.push(chunk(open + delta + close('content', 'null')));
    frames.push(chunk(`${open}{}${close('finish', `"${choice.finishReason}"`)}`));
  }
  const contentEnd = frames.length - 1;
  if (includeUsage) {
    frames.push(`${head}],"usage":${JSON.stringify(result.usage)}}\n\n`);
  }
  frames.push(DONE_FRAME);
  return { frames, contentStart: Math.max(contentStart, 0), contentEnd };
}

function contentDeltas(choice: GeneratedChoice, encoder: Encoder): string[] {
  if (choice.text !== null) {
    return encoder.decodePieces(choice.textTokens).map((piece) => `{"content":${JSON.stringify(piece)}}`);
  }
  const deltas: string[] = [];
  choice.toolCalls.forEach((call, index) => {
    const start = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    deltas.push(`{"tool_calls":[${JSON.stringify(start)}]}`);
    for (const piece of encoder.decodePieces(call.argumentTokens)) {
      deltas.push(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]}`);
    }
  });
  return deltas;
}
