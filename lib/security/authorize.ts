import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { OrgContext, OrgId, UserContext } from "./context";
import { AppError } from "./errors";
import { applyOrgPolicy, DEFAULT_ORG_POLICY } from "./org-policy";
import { ROLE_PERMISSIONS, type Permission } from "./permissions";

const uuid = z.uuid();

/**
 * Authorise a principal for one org and one permission. A malformed id, an org
 * that does not exist, a deleted org and an org the caller is not a member of
 * all answer 404, so nobody learns which org ids exist; a member lacking the
 * permission gets 403. A SUSPENDED membership (deprovisioned through SCIM)
 * counts as none: 404 from the next request on. Then the org's session
 * policies (./org-policy.ts): enforced SSO (403 sso_required, or an OWNER's
 * audited break-glass) and MFA for owners and admins (401 mfa_required).
 */
export async function authorizeOrg(user: UserContext, orgId: string, permission: Permission): Promise<OrgContext> {
  if (!uuid.safeParse(orgId).success) throw new AppError("not_found");
  const membership = await db.membership.findUnique({
    where: { orgId_userId: { orgId, userId: user.principal.userId } },
    select: {
      role: true,
      status: true,
      org: { select: { slug: true, deletedAt: true, settings: { select: { enforceSso: true, requireMfaForAdmins: true } } } },
    },
  });
  if (!membership || membership.org.deletedAt || membership.status !== "ACTIVE") throw new AppError("not_found");
  await applyOrgPolicy(user, { id: orgId, slug: membership.org.slug }, membership.role, membership.org.settings ?? DEFAULT_ORG_POLICY);
  const permissions = ROLE_PERMISSIONS[membership.role];
  if (!permissions.has(permission)) throw new AppError("forbidden");
  return { ...user, orgId: orgId as OrgId, orgSlug: membership.org.slug, role: membership.role, permissions };
}
