import {
  type ErrorRenderers,
  renderWith,
  type SandboxErrorSpec,
  type SandboxOperation,
} from '../engine/sandbox-error.js';
import type { ErrorResponse } from '../openai/inference-surface.js';
import { renderOpenAIError } from '../openai/openai-error-response.js';
import { promptFilterResults } from './azure-content-filter.js';

const OPERATIONS: Record<SandboxOperation, { limitName: string; featureName: string }> = {
  chat: { limitName: 'ChatCompletions_Create', featureName: 'chatCompletion' },
  embeddings: { limitName: 'Embeddings_Create', featureName: 'embeddings' },
};

/** Azure's wording for the fixed messages. */
const MESSAGES = {
  accessDenied:
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  deploymentNotFound:
    'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  promptFiltered:
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
} as const;

export interface AzureErrorContext {
  operation: SandboxOperation;
  /** The api-version the caller used ('v1' on the v1 API), quoted in 429 messages. */
  apiVersion: string;
  deploymentType: 'standard' | 'provisioned';
}

function azureError(status: number, code: string, message: string): ErrorResponse {
  return { status, body: { error: { code, message } } };
}

function throttled(
  context: AzureErrorContext,
  exceeded: 'requests' | 'tokens',
  retryAfterMs: number,
): ErrorResponse {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const kind = exceeded === 'tokens' ? 'token rate limit' : 'call rate limit';
  const tier = context.deploymentType === 'provisioned' ? 'ProvisionedManaged' : 'OpenAI S0';
  const message = `Requests to the ${OPERATIONS[context.operation].limitName} Operation under Azure OpenAI API version ${context.apiVersion} have exceeded ${kind} of your current ${tier} pricing tier. Please retry after ${seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`;
  const headers = { 'retry-after': String(seconds), 'retry-after-ms': String(Math.round(retryAfterMs)) };
  return { ...azureError(429, '429', message), headers };
}

function promptFiltered(spec: Extract<SandboxErrorSpec, { kind: 'content_filter' }>): ErrorResponse {
  const innererror = {
    code: 'ResponsibleAIPolicyViolation',
    content_filter_result: promptFilterResults(spec.category),
  };
  return {
    status: 400,
    body: {
      error: {
        message: MESSAGES.promptFiltered,
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror,
      },
    },
  };
}

const deploymentNotFound = () => azureError(404, 'DeploymentNotFound', MESSAGES.deploymentNotFound);
const resourceNotFound = () => azureError(404, '404', 'Resource not found');

/**
 * Azure OpenAI's error dialect: `{error: {code, message}}` with string codes ("401", "429",
 * DeploymentNotFound…). Request validation errors pass through in OpenAI's shape, as they do on Azure.
 */
const AZURE_ERRORS: ErrorRenderers<ErrorResponse, AzureErrorContext> = {
  missing_key: () => azureError(401, '401', MESSAGES.accessDenied),
  invalid_key: () => azureError(401, '401', MESSAGES.accessDenied),
  invalid_json: (spec) => renderOpenAIError(spec, ''),
  invalid_request: (spec) => renderOpenAIError(spec, ''),
  body_too_large: (spec) =>
    azureError(413, 'RequestEntityTooLarge', `The request body exceeds the ${spec.limitBytes} byte limit.`),
  route_not_found: resourceNotFound,
  api_version_missing: resourceNotFound,
  api_version_unsupported: () => azureError(400, 'BadRequest', 'API version not supported'),
  unknown_model: deploymentNotFound,
  unknown_deployment: deploymentNotFound,
  wrong_operation: (spec) =>
    azureError(
      400,
      'OperationNotSupported',
      `The ${OPERATIONS[spec.operation].featureName} operation does not work with the specified model, ${spec.model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
    ),
  rate_limited: (spec, context) =>
    throttled(context, spec.decision.exceeded ?? 'tokens', spec.decision.retryAfterMs),
  fault_rate_limited: (spec, context) => throttled(context, 'tokens', spec.retryAfterMs),
  server_error: () =>
    azureError(
      500,
      'InternalServerError',
      'The server had an error while processing your request. Sorry about that!',
    ),
  overloaded: () =>
    azureError(
      503,
      'ServiceUnavailable',
      'The service is temporarily unable to process your request. Please try again later.',
    ),
  content_filter: promptFiltered,
};

/** @example renderAzureError({ kind: 'invalid_key', key: 'x' }, context).status // 401 */
export function renderAzureError(spec: SandboxErrorSpec, context: AzureErrorContext): ErrorResponse {
  return renderWith(AZURE_ERRORS, spec, context);
}
