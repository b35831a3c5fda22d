"use server";

import { z } from "zod";
import { orgAction } from "@/lib/security/org-action";
import { createProviderKeyInput, providerKeyParams, replaceProviderKeyInput, updateProviderKeyInput } from "./schemas";
import { createProviderKey, replaceProviderKey, revokeProviderKey, rewrapOrgVault, updateProviderKey } from "./service";

/**
 * Console actions: the same services, permissions and audit as the management
 * API (the strict API schemas loosened only to carry the org id the door checks).
 */
export const createProviderKeyAction = orgAction(z.object(createProviderKeyInput.shape), { permission: "provider_keys.manage", rateLimit: "keyCreation" }, (ctx, input) =>
  createProviderKey(ctx, input),
);

export const replaceProviderKeyAction = orgAction(z.object({ ...replaceProviderKeyInput.shape, ...providerKeyParams.shape }), { permission: "provider_keys.manage", rateLimit: "keyCreation" }, (ctx, input) => {
  const { providerKeyId, ...rest } = input;
  return replaceProviderKey(ctx, providerKeyId, rest);
});

export const updateProviderKeyAction = orgAction(z.object({ ...updateProviderKeyInput.shape, ...providerKeyParams.shape }), { permission: "provider_keys.manage" }, (ctx, input) =>
  updateProviderKey(ctx, input.providerKeyId, { label: input.label }),
);

export const revokeProviderKeyAction = orgAction(providerKeyParams.extend({ confirm: z.literal(true, "Confirm the revocation") }), { permission: "provider_keys.manage" }, (ctx, input) =>
  revokeProviderKey(ctx, input.providerKeyId),
);

export const rewrapVaultAction = orgAction(z.object({ confirm: z.literal(true, "Confirm the re-wrap") }), { permission: "vault.rewrap", rateLimit: "keyCreation" }, (ctx) =>
  rewrapOrgVault(ctx),
);
