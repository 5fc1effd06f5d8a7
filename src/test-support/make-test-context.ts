import pino from 'pino';
import { emptyUsage } from '../core/usage.js';
import type { GatewayContext } from '../pipeline/gateway-context.js';

/**
 * A GatewayContext for unit tests of one stage or writer: nothing parsed, nothing routed, silent log.
 *
 * @example const context = makeTestContext({ dialect: 'bedrock', credential: 'sk-…' });
 */
export function makeTestContext(fields: Partial<GatewayContext> = {}): GatewayContext {
  return {
    requestId: '00000000-0000-0000-0000-000000000002',
    receivedAt: 0,
    startTime: 0,
    dialect: 'openai',
    credential: undefined,
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
    parseBody: () => {
      throw new Error('not parsed in this test');
    },
    modelHint: undefined,
    attempts: [],
    warnings: [],
    usage: emptyUsage(),
    upstreamMs: 0,
    usageEstimated: false,
    completed: false,
    ...fields,
  };
}
