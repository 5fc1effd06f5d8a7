import type { GatewayContext } from './gateway-context.js';

/** A pipeline stage: do work, call `next()` to run the rest, optionally do more after it returns. */
export type Stage = (context: GatewayContext, next: () => Promise<void>) => Promise<void>;

/**
 * Composes stages into one function, outermost first (the onion of Koa/Hono). Calling `next()`
 * twice in one stage is a bug and throws.
 */
export function compose(stages: readonly Stage[]): (context: GatewayContext) => Promise<void> {
  return function run(context) {
    let lastIndex = -1;
    function dispatch(index: number): Promise<void> {
      if (index <= lastIndex) return Promise.reject(new Error('next() called more than once'));
      lastIndex = index;
      const stage = stages[index];
      if (stage === undefined) return Promise.resolve();
      return stage(context, () => dispatch(index + 1));
    }
    return dispatch(0);
  };
}
