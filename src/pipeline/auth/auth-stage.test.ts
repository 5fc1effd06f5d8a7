import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { makeTestContext } from '../../test-support/make-test-context.js';
import type { GatewayContext, Principal } from '../gateway-context.js';
import { createAuthStage } from './auth-stage.js';
import type { KeyResolver } from './key-resolver.js';

const principal: Principal = { keyId: 'key_1', keyName: 'ci', teamId: null, role: 'member', models: null };

const contextWith = (fields: Partial<GatewayContext>) =>
  makeTestContext({ requestId: 'r', dialect: 'bedrock', ...fields });

const keys: KeyResolver = {
  resolve: vi.fn(async () => principal),
  resolveAccessKey: vi.fn(async () => undefined),
  invalidate: async () => {},
  isAvailable: () => true,
  close: () => {},
};

describe('auth stage', () => {
  it('uses the dialect authenticator instead of the key lookup when there is one', async () => {
    const context = contextWith({ credential: 'ignored', authenticate: async () => principal });
    const next = vi.fn(async () => {});
    await createAuthStage(keys)(context, next);
    expect(context.principal).toEqual(principal);
    expect(next).toHaveBeenCalledOnce();
    expect(keys.resolve).not.toHaveBeenCalled();
  });

  it('passes the authenticator GatewayErrors through and turns anything else into internal_error', async () => {
    const refused = contextWith({
      authenticate: async () => {
        throw new GatewayError('signature_mismatch', 'no');
      },
    });
    await expect(createAuthStage(keys)(refused, async () => {})).rejects.toMatchObject({
      code: 'signature_mismatch',
    });
    const broken = contextWith({
      authenticate: async () => {
        throw new Error('master key missing');
      },
    });
    const error = await createAuthStage(keys)(broken, async () => {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'internal_error', cause: new Error('master key missing') });
    expect(broken.principal).toBeUndefined();
  });
});
