import { withOrg } from "@/lib/security/route";
import { providerKeyDto, providerKeyParams, replaceProviderKeyInput } from "@/lib/vault/schemas";
import { replaceProviderKey } from "@/lib/vault/service";

/** A new secret for the same provider and scope, under a new data key. */
export const POST = withOrg(
  { permission: "provider_keys.manage", params: providerKeyParams, body: replaceProviderKeyInput, response: providerKeyDto, rateLimit: "keyCreation" },
  (ctx, { params, body }) => replaceProviderKey(ctx, params.providerKeyId, body),
);
