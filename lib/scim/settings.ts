import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { OrgContext, OrgId } from "@/lib/security/context";
import type { Role } from "@/lib/security/permissions";
import { requireRecentMfa } from "@/lib/security/step-up";
import type { DeprovisionKeyPolicy, ScimSettingsPatch } from "./schemas";

/**
 * The org's SCIM settings, kept in its settings row: the role SCIM gives a
 * member no mapped group covers (default VIEWER) and what deprovisioning does
 * to the member's API keys (REVOKE or FLAG). A change applies to what SCIM
 * does next; it re-evaluates nobody's role by itself. Audited as
 * `settings.updated` with the before and after of the fields that changed.
 * Changing either needs a recent MFA check (step-up): one weakens what
 * deprovisioning does, the other decides what every new member may do.
 */
export interface ScimSettings {
  scimDefaultRole: Role;
  deprovisionKeyPolicy: DeprovisionKeyPolicy;
}

const FIELDS = ["scimDefaultRole", "deprovisionKeyPolicy"] as const;

export async function getScimSettings(orgId: OrgId): Promise<ScimSettings> {
  const row = await db.orgSettings.findUnique({ where: { orgId }, select: { scimDefaultRole: true, deprovisionKeyPolicy: true } });
  return row ?? { scimDefaultRole: "VIEWER", deprovisionKeyPolicy: "REVOKE" };
}

export async function updateScimSettings(ctx: OrgContext, patch: ScimSettingsPatch): Promise<ScimSettings> {
  return db.$transaction(async (tx) => {
    await tx.orgSettings.createMany({ data: [{ orgId: ctx.orgId }], skipDuplicates: true });
    await tx.$executeRaw`SELECT 1 FROM org_settings WHERE org_id = ${ctx.orgId}::uuid FOR UPDATE`;
    const before = await tx.orgSettings.findUniqueOrThrow({ where: { orgId: ctx.orgId }, select: { scimDefaultRole: true, deprovisionKeyPolicy: true } });
    const changed = FIELDS.filter((field) => patch[field] !== undefined && patch[field] !== before[field]);
    if (changed.length === 0) return before;
    requireRecentMfa(ctx);
    const data = Object.fromEntries(changed.map((field) => [field, patch[field]]));
    const after = await tx.orgSettings.update({ where: { orgId: ctx.orgId }, data, select: { scimDefaultRole: true, deprovisionKeyPolicy: true } });
    await recordAudit(tx, {
      action: "settings.updated",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "org", id: ctx.orgId },
      metadata: {
        changed,
        before: Object.fromEntries(changed.map((field) => [field, before[field]])),
        after: Object.fromEntries(changed.map((field) => [field, after[field]])),
      },
      request: ctx.request,
    });
    return after;
  });
}
