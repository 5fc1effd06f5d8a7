import { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';

/**
 * Parses an untrusted request body: malformed or empty JSON becomes a 400 `invalid_json`, and
 * prototype-polluting keys are removed (`safeParseJson`).
 *
 * @example
 * parseJsonBody('{"model":"gpt-4o"}') // { model: 'gpt-4o' }
 */
export function parseJsonBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') {
    throw new GatewayError('invalid_json', 'The request body is empty; expected a JSON object.');
  }
  const parsed = safeParseJson(text);
  if (parsed.success) return parsed.value;
  throw new GatewayError(
    'invalid_json',
    `We could not parse the JSON body of your request (${parsed.error.message}). The body must be valid JSON.`,
    { cause: parsed.error },
  );
}
