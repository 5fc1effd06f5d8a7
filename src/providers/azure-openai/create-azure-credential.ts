import type { TokenCredential } from '@azure/identity';

export interface EntraCredentialConfig {
  tenantId?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * The credential for Entra ID auth: a service principal (`ClientSecretCredential`) when tenant,
 * client and secret are all set, else `DefaultAzureCredential` (managed identity, workload identity,
 * `az login` …), with `clientId` selecting a user-assigned managed identity. `@azure/identity` is
 * loaded on the first token request, so gateways without Entra never pay for it.
 *
 * @example
 * const credential = createAzureCredential({ tenantId, clientId, clientSecret });
 */
export function createAzureCredential(config: EntraCredentialConfig): TokenCredential {
  const { tenantId, clientId, clientSecret } = config;
  if (clientSecret !== undefined && (tenantId === undefined || clientId === undefined)) {
    throw new Error('auth.clientSecret needs auth.tenantId and auth.clientId as well');
  }
  let credential: Promise<TokenCredential> | undefined;
  const load = async (): Promise<TokenCredential> => {
    const identity = await import('@azure/identity');
    if (tenantId !== undefined && clientId !== undefined && clientSecret !== undefined) {
      return new identity.ClientSecretCredential(tenantId, clientId, clientSecret);
    }
    return new identity.DefaultAzureCredential({
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
    });
  };
  return {
    async getToken(scopes, options) {
      credential ??= load();
      return (await credential).getToken(scopes, options);
    },
  };
}
