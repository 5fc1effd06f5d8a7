import type { ProviderMetadata } from '../../core/chat-result.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../gateway-context.js';

function reportsMissingUsage(metadata: ProviderMetadata | undefined): boolean {
  return metadata !== undefined && Object.values(metadata).some((entry) => entry['usageMissing'] === true);
}

/**
 * Passes a stream through unchanged while recording what accounting needs: time to first token,
 * the served model, final usage, errors, and the text streamed so far (kept as chunk references,
 * only joined if the stream ends without a usage report). The `finish` part's provider metadata
 * goes to `onFinishMetadata` (it says how cache writes split by lifetime, which prices them).
 */
export async function* accountStream(
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  streamedText: string[],
  onFinishMetadata?: (metadata: ProviderMetadata | undefined) => void,
): AsyncGenerator<StreamPart> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    while (true) {
      const waitStarted = performance.now();
      const next = await iterator.next();
      context.upstreamMs += performance.now() - waitStarted;
      if (next.done === true) return;
      const part = next.value;
      switch (part.type) {
        case 'text-delta':
        case 'reasoning-delta':
        case 'tool-input-delta':
          if (context.ttftMs === undefined) context.ttftMs = performance.now() - context.startTime;
          streamedText.push(part.delta);
          break;
        case 'stream-start':
          if (part.modelId !== undefined) context.modelServed = part.modelId;
          context.warnings.push(...part.warnings);
          break;
        case 'finish':
          context.usage = part.usage;
          context.completed = true;
          onFinishMetadata?.(part.providerMetadata);
          // A server that never reports usage (some OpenAI-compatible ones) finishes with zeros.
          if (reportsMissingUsage(part.providerMetadata)) context.usageMissing = true;
          break;
        case 'error':
          context.error = part.error;
          break;
      }
      yield part;
    }
  } finally {
    // Closing early (client gone) must release the upstream connection.
    await iterator.return?.();
  }
}
