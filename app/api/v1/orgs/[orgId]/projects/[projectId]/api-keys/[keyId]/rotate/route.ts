import { apiKeyParams, apiKeyWithSecretDto, rotateApiKeyInput } from "@/lib/api-keys/schemas";
import { rotateApiKey } from "@/lib/api-keys/service";
import { withOrgOrKey } from "@/lib/security/route";

/** New secret for the same key; the replaced one works for `graceSeconds` more (default 24 h, at most 7 days). */
export const POST = withOrgOrKey(
  { permission: "api_keys.manage", params: apiKeyParams, body: rotateApiKeyInput, response: apiKeyWithSecretDto, rateLimit: "keyCreation" },
  (ctx, { params, body }) => rotateApiKey(ctx, params.projectId, params.keyId, body.graceSeconds),
);
