import { withOrg } from "@/lib/security/route";
import { providerKeyDto, providerKeyParams, updateProviderKeyInput } from "@/lib/vault/schemas";
import { getProviderKey, revokeProviderKey, updateProviderKey } from "@/lib/vault/service";

export const GET = withOrg({ permission: "provider_keys.read", params: providerKeyParams, response: providerKeyDto }, (ctx, { params }) =>
  getProviderKey(ctx, params.providerKeyId),
);

/** Relabel a live key. */
export const PATCH = withOrg(
  { permission: "provider_keys.manage", params: providerKeyParams, body: updateProviderKeyInput, response: providerKeyDto },
  (ctx, { params, body }) => updateProviderKey(ctx, params.providerKeyId, body),
);

/** Revoke: the ciphertext is erased, the gateway stops using it (within the cache bound on other instances). */
export const DELETE = withOrg({ permission: "provider_keys.manage", params: providerKeyParams, response: providerKeyDto }, (ctx, { params }) =>
  revokeProviderKey(ctx, params.providerKeyId),
);
