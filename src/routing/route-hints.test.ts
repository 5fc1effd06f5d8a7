import { describe, expect, it } from 'vitest';
import { parseRouteHints } from './route-hints.js';

describe('parseRouteHints', () => {
  it('is undefined without the headers', () => {
    expect(parseRouteHints({ authorization: 'Bearer x' })).toBeUndefined();
  });

  it('reads a deployment list and a cost cap', () => {
    expect(parseRouteHints({ 'x-converge-route': ' a, b ,', 'x-converge-max-cost-usd': '0.002' })).toEqual({
      deployments: ['a', 'b'],
      maxCostUsd: 0.002,
    });
  });

  it('flags unreadable values for a 400 instead of ignoring them', () => {
    expect(parseRouteHints({ 'x-converge-max-cost-usd': 'cheap' })?.invalid).toContain('non-negative number');
    expect(parseRouteHints({ 'x-converge-max-cost-usd': '-1' })?.invalid).toBeDefined();
    expect(parseRouteHints({ 'x-converge-route': ' , ' })?.invalid).toContain('names no deployment');
  });
});
