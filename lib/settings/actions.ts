"use server";

import { z } from "zod";
import { projectParams } from "@/lib/projects/schemas";
import { orgAction } from "@/lib/security/org-action";
import { orgSettingsDto, orgSettingsPatch, projectSettingsDto, projectSettingsPatch } from "./schemas";
import { updateOrgSettings, updateProjectSettings } from "./service";

/** Console actions: the same services, permission and audit as PATCH …/settings, with the patch as structured input. */
export const updateOrgSettingsAction = orgAction(z.object({ patch: orgSettingsPatch }), { permission: "settings.manage" }, async (ctx, input) => {
  const { settings, changed } = await updateOrgSettings(ctx, input.patch);
  return { settings: orgSettingsDto.parse(settings), changed };
});

export const updateProjectSettingsAction = orgAction(
  projectParams.extend({ patch: projectSettingsPatch }),
  { permission: "settings.manage" },
  async (ctx, input) => {
    const { settings, changed } = await updateProjectSettings(ctx, input.projectId, input.patch);
    return { settings: projectSettingsDto.parse(settings), changed };
  },
);
