import type { FastifyReply } from 'fastify';
import type { GatewayError } from '../../core/gateway-error.js';
import type { WireFlavor } from './wire-flavor.js';
import { errorHeaders } from './write-error.js';

/** Sends an error through Fastify's reply (outside the exchange), in the flavor's shape and headers. */
export function sendErrorReply(
  reply: FastifyReply,
  error: GatewayError,
  flavor: WireFlavor,
  requestId: string,
) {
  const { status, body } = flavor.errorResponse(error);
  return reply
    .code(status)
    .headers(errorHeaders(error, flavor, requestId))
    .send(body);
}
