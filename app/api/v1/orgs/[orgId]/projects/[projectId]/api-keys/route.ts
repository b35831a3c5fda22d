import { apiKeyListDto, apiKeyWithSecretDto, createApiKeyInput } from "@/lib/api-keys/schemas";
import { createApiKey, listApiKeys } from "@/lib/api-keys/service";
import { projectParams } from "@/lib/projects/schemas";
import { withOrgOrKey } from "@/lib/security/route";

export const GET = withOrgOrKey({ permission: "api_keys.read", params: projectParams, response: apiKeyListDto }, async (ctx, { params }) => ({
  data: await listApiKeys(ctx, params.projectId),
}));

/** The response is the only time the secret is ever shown. */
export const POST = withOrgOrKey(
  { permission: "api_keys.create", params: projectParams, body: createApiKeyInput, response: apiKeyWithSecretDto, status: 201, rateLimit: "keyCreation" },
  (ctx, { params, body }) => createApiKey(ctx, params.projectId, body),
);
