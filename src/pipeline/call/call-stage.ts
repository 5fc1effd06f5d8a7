import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { ProviderCallOptions } from '../../providers/provider.js';
import type { Stage } from '../compose.js';
import type { GatewayContext, GatewayOutput } from '../gateway-context.js';
import type { Target } from '../route/model-registry.js';

export interface CallStageOptions {
  /** Upper bound for one upstream call, from sending the request to the last byte. */
  upstreamTimeoutMs: number;
}

async function invoke(
  context: GatewayContext,
  target: Target,
  options: ProviderCallOptions,
): Promise<GatewayOutput> {
  const parsed = context.parsed;
  if (parsed === undefined) throw new Error('call stage ran before parse');
  if (parsed.operation === 'embed') {
    if (target.provider.embed === undefined) {
      throw new GatewayError(
        'invalid_request',
        `Provider ${target.provider.name} does not serve embeddings.`,
      );
    }
    return { type: 'embed', result: await target.provider.embed(parsed.request, options) };
  }
  if (parsed.request.stream) {
    return { type: 'stream', stream: await target.provider.stream(parsed.request, options) };
  }
  return { type: 'chat', result: await target.provider.generate(parsed.request, options) };
}

/**
 * Calls the candidates in order. A retryable failure (429, 5xx, connection errors) moves on to the
 * next candidate — always before any byte reached the client, since a stream is only returned once
 * the upstream accepted it. Every attempt is recorded. Retries with backoff, timeouts per phase and
 * circuit breakers extend this stage.
 */
export function createCallStage(options: CallStageOptions): Stage {
  return async function call(context, next) {
    const candidates = context.candidates ?? [];
    let lastError: GatewayError | undefined;
    for (const target of candidates) {
      if (context.signal.aborted) break;
      const started = performance.now();
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(options.upstreamTimeoutMs)]);
      try {
        context.output = await invoke(context, target, {
          modelId: target.modelId,
          signal,
          requestId: context.requestId,
          log: context.log,
        });
        const durationMs = performance.now() - started;
        context.upstreamMs += durationMs;
        context.target = target;
        context.attempts.push({
          deployment: target.deployment,
          provider: target.provider.name,
          status: 'ok',
          durationMs,
        });
        await next();
        return;
      } catch (error: unknown) {
        const durationMs = performance.now() - started;
        context.upstreamMs += durationMs;
        lastError =
          signal.aborted && !context.signal.aborted
            ? new GatewayError(
                'upstream_timeout',
                `The upstream did not answer within ${options.upstreamTimeoutMs} ms.`,
                {
                  isRetryable: true,
                  cause: error,
                },
              )
            : toGatewayError(error);
        context.attempts.push({
          deployment: target.deployment,
          provider: target.provider.name,
          status: 'error',
          errorCode: lastError.code,
          httpStatus: lastError.status,
          durationMs,
        });
        context.log.debug({ err: lastError, deployment: target.deployment }, 'upstream attempt failed');
        if (!lastError.isRetryable) break;
      }
    }
    if (context.signal.aborted) throw new GatewayError('cancelled', 'The client closed the request.');
    throw (
      lastError ??
      new GatewayError('no_eligible_target', `No deployment is available for \`${context.model?.name}\`.`)
    );
  };
}
