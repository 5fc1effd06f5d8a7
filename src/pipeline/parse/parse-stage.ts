import type { Stage } from '../compose.js';

/** Parses the dialect's body into the canonical request (after auth, so bad keys never cost a parse). */
export function createParseStage(): Stage {
  return async function parse(context, next) {
    context.parsed = context.parseBody();
    await next();
  };
}
