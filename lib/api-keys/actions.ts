"use server";

import { z } from "zod";
import { projectParams } from "@/lib/projects/schemas";
import { orgAction } from "@/lib/security/org-action";
import { apiKeyParams, createApiKeyInput, rotateApiKeyInput, updateApiKeyInput } from "./schemas";
import { createApiKey, revokeApiKey, rotateApiKey, updateApiKey } from "./service";

/** Console actions: the same services, permissions and audit as the management API. */
export const createApiKeyAction = orgAction(createApiKeyInput.extend(projectParams.shape), { permission: "api_keys.create", rateLimit: "keyCreation" }, (ctx, input) => {
  const { projectId, ...rest } = input;
  return createApiKey(ctx, projectId, rest);
});

export const updateApiKeyAction = orgAction(
  apiKeyParams.extend({ patch: updateApiKeyInput }),
  { permission: "api_keys.manage" },
  (ctx, input) => updateApiKey(ctx, input.projectId, input.keyId, input.patch),
);

export const rotateApiKeyAction = orgAction(rotateApiKeyInput.extend(apiKeyParams.shape), { permission: "api_keys.manage", rateLimit: "keyCreation" }, (ctx, input) =>
  rotateApiKey(ctx, input.projectId, input.keyId, input.graceSeconds),
);

export const revokeApiKeyAction = orgAction(apiKeyParams.extend({ confirm: z.literal(true, "Confirm the revocation") }), { permission: "api_keys.manage" }, (ctx, input) =>
  revokeApiKey(ctx, input.projectId, input.keyId),
);
