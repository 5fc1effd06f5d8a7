import { FAULT_HEADER } from '../engine/faults.js';
import { internalServerError, serviceUnavailableError, throttlingError } from './bedrock-error.js';
import { type BedrockCall, statsOf } from './bedrock-route.js';

/** Exceptions the service can send inside a 200 event stream. */
export type InStreamException = 'modelStreamErrorException' | 'throttlingException';

/** A fault the response writer acts on; the others are handled before any generation. */
export type WriterFault =
  | { kind: 'malformed' }
  | { kind: 'cut-stream-after'; chunks: number }
  | { kind: 'in-stream'; exception: InStreamException; afterDeltas: number };

const IN_STREAM: Readonly<Record<string, InStreamException>> = {
  'model-stream-error': 'modelStreamErrorException',
  'stream-throttling': 'throttlingException',
};
const DEFAULT_DELTAS_BEFORE_EXCEPTION = 2;

function parseInStreamFault(value: string | undefined): WriterFault | undefined {
  const match = /^([a-z-]+)(?::(\d+))?$/.exec(value?.trim().toLowerCase() ?? '');
  const exception = match?.[1] === undefined ? undefined : IN_STREAM[match[1]];
  if (exception === undefined) return undefined;
  const afterDeltas = match?.[2] === undefined ? DEFAULT_DELTAS_BEFORE_EXCEPTION : Number(match[2]);
  return { kind: 'in-stream', exception, afterDeltas };
}

/**
 * This request's fault: the `x-sandbox-fault` header (Bedrock adds `model-stream-error[:N]` and
 * `stream-throttling[:N]`, an in-stream exception after N deltas), else a draw against the configured
 * rates. 500/503/429 throw the service's exception; `timeout` holds the request; `reset` destroys the
 * connection (over HTTP/2: resets the stream). Returns the fault the writer must act on, or 'handled'.
 */
export function chooseBedrockFault(call: BedrockCall): WriterFault | 'handled' | undefined {
  const header = call.context.request.headers[FAULT_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  const inStream = parseInStreamFault(value);
  const fault = inStream ?? call.state.engine.faults.choose(value);
  if (fault === undefined) return undefined;
  statsOf(call).faults++;
  switch (fault.kind) {
    case '500':
      throw internalServerError();
    case '503':
      throw serviceUnavailableError();
    case '429':
      throw throttlingError();
    case 'timeout':
      // Accept and never answer: the request stays open until the client gives up or the sandbox closes.
      return 'handled';
    case 'reset':
      // HTTP/1.1: the socket is destroyed; HTTP/2: the stream is reset with INTERNAL_ERROR.
      call.context.response.destroy();
      return 'handled';
    default:
      return fault;
  }
}
