import type { ChatResult } from '../../core/chat-result.js';
import type { StreamPart } from '../../core/stream-part.js';

/**
 * Replays a complete result as stream parts, for servers that answer a streaming request with
 * one JSON completion (some ignore `stream: true`).
 *
 * @example
 * for await (const part of streamChatResult(result)) console.log(part.type); // stream-start, text-start, …
 */
export async function* streamChatResult(result: ChatResult): AsyncGenerator<StreamPart> {
  yield {
    type: 'stream-start',
    warnings: result.warnings,
    modelId: result.modelId,
    ...(result.responseId === undefined ? {} : { responseId: result.responseId }),
  };
  for (const [index, part] of result.content.entries()) {
    const id = `${part.type}-${index}`;
    switch (part.type) {
      case 'text':
        yield* [
          { type: 'text-start', id },
          { type: 'text-delta', id, delta: part.text },
          { type: 'text-end', id },
        ] satisfies StreamPart[];
        break;
      case 'reasoning':
        yield* [
          { type: 'reasoning-start', id },
          { type: 'reasoning-delta', id, delta: part.text },
          { type: 'reasoning-end', id },
        ] satisfies StreamPart[];
        break;
      case 'tool-call':
        yield* [
          { type: 'tool-input-start', id: part.toolCallId, toolName: part.toolName },
          { type: 'tool-input-delta', id: part.toolCallId, delta: part.input },
          { type: 'tool-input-end', id: part.toolCallId },
          part,
        ] satisfies StreamPart[];
        break;
    }
  }
  yield {
    type: 'finish',
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.providerMetadata === undefined ? {} : { providerMetadata: result.providerMetadata }),
  };
}
