import { FAULT_HEADER, type Fault } from '../engine/faults.js';
import { SandboxError } from '../engine/sandbox-error.js';
import { RETRY_AFTER_HEADER } from '../openai/inference-route.js';
import { type AnthropicCall, statsProvider } from './anthropic-route.js';

/** Faults the response writer acts on; `overloaded-after:N` sends an `error` event after N content frames. */
export type WriterFault =
  | Extract<Fault, { kind: 'malformed' | 'cut-stream-after' }>
  | { kind: 'overloaded-after'; chunks: number };

function headerValue(call: AnthropicCall, name: string): string | undefined {
  const value = call.context.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Picks this request's fault: Anthropic's own (`overloaded` → 529, `overloaded-after:N` → a mid-stream
 * `error` event), else the engine's header or configured rates. Throws the ones that replace the answer;
 * returns 'handled' when the socket was held or reset, or the fault the writer must apply.
 * @example const fault = chooseAnthropicFault(call, model.id); if (fault === 'handled') return;
 */
export function chooseAnthropicFault(
  call: AnthropicCall,
  model: string,
): WriterFault | 'handled' | undefined {
  const requested = headerValue(call, FAULT_HEADER)?.trim().toLowerCase();
  const midStream = requested === undefined ? null : /^overloaded-after:(\d+)$/.exec(requested);
  const fault: Fault | WriterFault | { kind: 'overloaded' } | undefined =
    requested === 'overloaded'
      ? { kind: 'overloaded' }
      : midStream
        ? { kind: 'overloaded-after', chunks: Number(midStream[1]) }
        : call.state.engine.faults.choose(requested);
  if (fault === undefined) return undefined;
  call.state.engine.stats.target(statsProvider(call.surface), model).faults++;
  switch (fault.kind) {
    case '500':
      throw new SandboxError({ kind: 'server_error' });
    case '503':
    case 'overloaded':
      throw new SandboxError({ kind: 'overloaded' });
    case '429': {
      const override = Number(headerValue(call, RETRY_AFTER_HEADER));
      const retryAfterMs = Number.isFinite(override) && override >= 0 ? override : 1000;
      throw new SandboxError({ kind: 'fault_rate_limited', retryAfterMs, model, operation: 'chat' });
    }
    case 'timeout':
      // Accept and never answer: the socket stays open until the client gives up or the sandbox closes.
      return 'handled';
    case 'reset':
      call.context.request.socket.destroy();
      return 'handled';
    default:
      return fault;
  }
}
