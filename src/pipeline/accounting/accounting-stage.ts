import { toGatewayError } from '../../core/gateway-error.js';
import type { Stage } from '../compose.js';
import type { GatewayContext } from '../gateway-context.js';
import { accountStream } from './account-stream.js';

/** Text chunks streamed per request, kept off the context type so only accounting sees them. */
export const streamedTextByContext = new WeakMap<GatewayContext, string[]>();

/**
 * The outermost stage: whatever happens inside, the context ends up holding the usage, the error
 * and the outcome that `finishExchange` turns into one usage row. Streams are wrapped so tokens are
 * tallied as they pass.
 */
export function createAccountingStage(): Stage {
  return async function account(context, next) {
    try {
      await next();
    } catch (error: unknown) {
      context.error = toGatewayError(error);
      throw context.error;
    }
    const output = context.output;
    if (output === undefined) return;
    if (output.type === 'chat') {
      context.usage = output.result.usage;
      context.modelServed = output.result.modelId;
      context.completed = true;
      context.warnings.push(...output.result.warnings);
    } else if (output.type === 'embed') {
      context.usage = { ...context.usage, inputTokens: output.result.usage.inputTokens };
      context.modelServed = output.result.modelId;
      context.completed = true;
      context.warnings.push(...output.result.warnings);
    } else {
      const streamed: string[] = [];
      streamedTextByContext.set(context, streamed);
      context.output = { type: 'stream', stream: accountStream(context, output.stream, streamed) };
    }
  };
}
