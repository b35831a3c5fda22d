"use server";

import { z } from "zod";
import { orgAction } from "@/lib/security/org-action";
import { setScimGroupRole } from "./groups";
import {
  createScimTokenInput,
  scimGroupDto,
  scimGroupRoleInput,
  scimSettingsDto,
  scimSettingsPatch,
  scimTokenDto,
  scimTokenParams,
  scimTokenWithSecretDto,
} from "./schemas";
import { updateScimSettings } from "./settings";
import { createScimToken, revokeScimToken } from "./tokens";

/**
 * Console actions for Settings → SCIM: the same services, permission
 * (`scim.manage`) and audit as the management API; answers parsed through
 * the same DTOs, so nothing but the new token's own secret leaves the server.
 */
export const createScimTokenAction = orgAction(z.object(createScimTokenInput.shape), { permission: "scim.manage", rateLimit: "keyCreation" }, async (ctx, input) =>
  scimTokenWithSecretDto.parse(await createScimToken(ctx, input)),
);

export const revokeScimTokenAction = orgAction(scimTokenParams.extend({ confirm: z.literal(true, "Confirm the revocation") }), { permission: "scim.manage" }, async (ctx, input) =>
  scimTokenDto.parse(await revokeScimToken(ctx, input.tokenId)),
);

export const updateScimSettingsAction = orgAction(z.object({ patch: scimSettingsPatch }), { permission: "scim.manage" }, async (ctx, input) =>
  scimSettingsDto.parse(await updateScimSettings(ctx, input.patch)),
);

export const setScimGroupRoleAction = orgAction(z.object(scimGroupRoleInput.shape), { permission: "scim.manage" }, async (ctx, input) =>
  scimGroupDto.parse(await setScimGroupRole(ctx, input.groupId, input.role)),
);
