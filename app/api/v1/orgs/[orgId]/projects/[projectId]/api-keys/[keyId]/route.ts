import { apiKeyDto, apiKeyParams, updateApiKeyInput } from "@/lib/api-keys/schemas";
import { getApiKey, revokeApiKey, updateApiKey } from "@/lib/api-keys/service";
import { withOrgOrKey } from "@/lib/security/route";

export const GET = withOrgOrKey({ permission: "api_keys.read", params: apiKeyParams, response: apiKeyDto }, (ctx, { params }) =>
  getApiKey(ctx, params.projectId, params.keyId),
);

/** Change name, description, scopes, expiry, IP allowlist, allowed origins or rate limit. */
export const PATCH = withOrgOrKey(
  { permission: "api_keys.manage", params: apiKeyParams, body: updateApiKeyInput, response: apiKeyDto },
  (ctx, { params, body }) => updateApiKey(ctx, params.projectId, params.keyId, body),
);

/** Revoke: the key and every secret it has stop working (within the cache bound on other instances). */
export const DELETE = withOrgOrKey({ permission: "api_keys.manage", params: apiKeyParams, response: apiKeyDto }, (ctx, { params }) =>
  revokeApiKey(ctx, params.projectId, params.keyId),
);
