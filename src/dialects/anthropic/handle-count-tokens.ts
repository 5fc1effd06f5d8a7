import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import { formatWarningsHeader } from '../../core/warning.js';
import { maskKey } from '../../pipeline/auth/auth-stage.js';
import type { Principal } from '../../pipeline/gateway-context.js';
import { closestNames } from '../../pipeline/route/closest-names.js';
import { principalMayUse } from '../../pipeline/route/route-stage.js';
import type { Gateway } from '../../server/gateway.js';
import { parseJsonBody } from '../openai/parse-json-body.js';
import { countPromptTokens, TOKENIZER_NAME } from './count-prompt-tokens.js';
import { parseCountTokensRequest } from './parse-messages-request.js';
import {
  checkAnthropicVersion,
  readAnthropicBetas,
  readAnthropicCredential,
} from './read-anthropic-headers.js';
import { anthropicRequestId, sendAnthropicErrorReply } from './write-error.js';

async function authenticate(gateway: Gateway, credential: string | undefined): Promise<Principal> {
  if (credential === undefined) {
    throw new GatewayError(
      'authentication_required',
      'No API key was provided. Send your Converge virtual key as `x-api-key: <key>` or `Authorization: Bearer <key>`.',
    );
  }
  const principal = await gateway.keys.resolve(credential);
  if (principal === undefined) {
    throw new GatewayError('invalid_api_key', `Incorrect API key provided: ${maskKey(credential)}.`);
  }
  return principal;
}

/** The same 404 (with close names) the route stage gives, for a model the key may not count for. */
function checkModel(gateway: Gateway, principal: Principal, name: string): void {
  const entry = gateway.registry.resolve(name);
  if (entry !== undefined && principalMayUse(principal, entry)) {
    if (entry.kind !== 'embedding') return;
    throw new GatewayError('invalid_request', `The model \`${name}\` is an embedding model.`, {
      param: 'model',
    });
  }
  const visible = gateway.registry.entries.filter((candidate) => principalMayUse(principal, candidate));
  const suggestions = closestNames(
    name,
    visible.flatMap((candidate) => [candidate.name, ...candidate.aliases]),
  );
  const hint =
    suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
  throw new GatewayError(
    'model_not_found',
    `The model \`${name}\` does not exist or you do not have access to it.${hint}`,
    { param: 'model', details: { suggestions } },
  );
}

/**
 * `POST /v1/messages/count_tokens`: authenticated like a message, answered locally with an o200k
 * estimate (see countPromptTokens) — no upstream call, so it is not metered and leaves no usage
 * row. The `x-converge-token-count` header says the figure is an estimate and which tokenizer made it.
 */
export async function handleCountTokens(gateway: Gateway, request: FastifyRequest, reply: FastifyReply) {
  const requestId = randomUUID();
  try {
    const principal = await authenticate(gateway, readAnthropicCredential(request.headers));
    checkAnthropicVersion(request.headers);
    const body = typeof request.body === 'string' ? request.body : undefined;
    const parsed = parseCountTokensRequest(parseJsonBody(body), {
      betas: readAnthropicBetas(request.headers),
    });
    checkModel(gateway, principal, parsed.request.model);
    const inputTokens = await countPromptTokens(parsed.request);
    const headers: Record<string, string> = {
      'request-id': anthropicRequestId(requestId),
      'x-converge-request-id': requestId,
      'x-converge-token-count': `estimate; tokenizer=${TOKENIZER_NAME}`,
    };
    if (parsed.warnings.length > 0) headers['x-converge-warnings'] = formatWarningsHeader(parsed.warnings);
    return reply.code(200).headers(headers).send({ input_tokens: inputTokens });
  } catch (error: unknown) {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') gateway.log.error({ err: error }, 'counting tokens failed');
    return sendAnthropicErrorReply(reply, gatewayError, requestId);
  }
}
