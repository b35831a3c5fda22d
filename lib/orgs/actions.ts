"use server";

import { z } from "zod";
import { AppError } from "@/lib/security/errors";
import { orgAction, userAction } from "@/lib/security/org-action";
import { createOrgInput, updateOrgInput } from "./schemas";
import { createOrg, deleteOrg, renameOrg } from "./service";

export const createOrgAction = userAction(createOrgInput, {}, async (ctx, input) => {
  const org = await createOrg(ctx, input);
  return { slug: org.slug };
});

export const renameOrgAction = orgAction(updateOrgInput, { permission: "org.update" }, async (ctx, input) => {
  const org = await renameOrg(ctx, input);
  return { name: org.name };
});

/** Deleting needs the org's slug typed back, so it cannot happen by a stray click. */
export const deleteOrgAction = orgAction(z.object({ confirm: z.string().trim() }), { permission: "org.delete" }, async (ctx, input) => {
  if (input.confirm !== ctx.orgSlug) {
    throw new AppError("validation_failed", "Type the organisation's slug to confirm.", {
      issues: [{ path: "confirm", message: `Type ${ctx.orgSlug} to confirm` }],
    });
  }
  await deleteOrg(ctx);
  return null;
});
