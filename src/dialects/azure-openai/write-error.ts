import type { GatewayError } from '../../core/gateway-error.js';

export interface AzureErrorBody {
  error: {
    code: string;
    message: string;
    param?: string | null;
    type?: string | null;
    status?: number;
    innererror?: unknown;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Azure's `innererror` for a blocked prompt, from what the provider kept in `details`. */
function contentFilterInnerError(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const innerCode = details?.['innerCode'];
  const inner: Record<string, unknown> = {
    code: typeof innerCode === 'string' ? innerCode : 'ResponsibleAIPolicyViolation',
  };
  const verdict = details?.['contentFilterResult'];
  if (isRecord(verdict)) inner['content_filter_result'] = verdict;
  return inner;
}

/**
 * Azure OpenAI's error shape: `{error: {code, message, param?}}` with the stable Converge code —
 * except a prompt blocked by the content filter, which keeps Azure's native body (`code:
 * 'content_filter'`, `param: 'prompt'`, `innererror`) because Azure clients branch on it.
 *
 * @example
 * azureErrorResponse(new GatewayError('invalid_api_key', 'Incorrect API key provided.')).body
 * // { error: { code: 'invalid_api_key', message: 'Incorrect API key provided.' } }
 */
export function azureErrorResponse(error: GatewayError): { status: number; body: AzureErrorBody } {
  if (error.code === 'content_filtered') {
    return {
      status: 400,
      body: {
        error: {
          message: error.message,
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: contentFilterInnerError(error.details),
        },
      },
    };
  }
  const body: AzureErrorBody = { error: { code: error.code, message: error.message } };
  if (error.param !== undefined) body.error.param = error.param;
  return { status: error.status, body };
}
