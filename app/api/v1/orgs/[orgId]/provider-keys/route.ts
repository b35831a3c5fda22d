import { withOrg } from "@/lib/security/route";
import { createProviderKeyInput, providerKeyDto, providerKeyListDto, providerKeyListQuery } from "@/lib/vault/schemas";
import { createProviderKey, listProviderKeys } from "@/lib/vault/service";

export const GET = withOrg({ permission: "provider_keys.read", query: providerKeyListQuery, response: providerKeyListDto }, async (ctx, { query }) => ({
  data: await listProviderKeys(ctx, query),
}));

/** The secret is sealed at once; the answer carries its fingerprint and last four only. */
export const POST = withOrg(
  { permission: "provider_keys.manage", body: createProviderKeyInput, response: providerKeyDto, status: 201, rateLimit: "keyCreation" },
  (ctx, { body }) => createProviderKey(ctx, body),
);
