import "server-only";
import { recordAudit } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { ROLE_RANK, type Role } from "@/lib/security/permissions";
import type { Acting } from "./acting";

/**
 * The role SCIM gives a member: the highest role mapped by the member's SCIM
 * groups, or the org's default SCIM role when none of its groups maps one.
 * Evaluated when SCIM provisions a member and whenever the member's groups,
 * or their mappings, change. OWNER memberships are never touched: owners are
 * managed in the console only.
 */
export function roleFromGroups(groupRoles: readonly (Role | null)[], defaultRole: Role): Role {
  let best: Role | null = null;
  for (const role of groupRoles) if (role && role !== "OWNER" && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  return best ?? defaultRole;
}

export async function scimDefaultRole(tx: Tx, orgId: string): Promise<Role> {
  const settings = await tx.orgSettings.findUnique({ where: { orgId }, select: { scimDefaultRole: true } });
  const role = settings?.scimDefaultRole ?? "VIEWER";
  // The settings never hold OWNER (the console refuses it); were it there, it would not be handed out.
  return role === "OWNER" ? "VIEWER" : role;
}

export interface RoleChange {
  membershipId: string;
  email: string;
  before: Role;
  after: Role;
}

/**
 * Re-evaluate the roles of some members of the org (inside the caller's
 * transaction) and record each change as `member.role_changed`.
 */
export async function applyScimRoles(tx: Tx, acting: Acting, membershipIds: readonly string[]): Promise<RoleChange[]> {
  if (membershipIds.length === 0) return [];
  const defaultRole = await scimDefaultRole(tx, acting.orgId);
  const members = await tx.membership.findMany({
    where: { orgId: acting.orgId, id: { in: [...new Set(membershipIds)] }, role: { not: "OWNER" } },
    select: { id: true, userId: true, role: true, user: { select: { email: true } }, scimGroups: { select: { group: { select: { displayName: true, role: true } } } } },
    orderBy: { id: "asc" },
  });
  const changes: RoleChange[] = [];
  for (const member of members) {
    const role = roleFromGroups(
      member.scimGroups.map((g) => g.group.role),
      defaultRole,
    );
    if (role === member.role) continue;
    await tx.membership.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, {
      action: "member.role_changed",
      orgId: acting.orgId,
      actor: acting.actor,
      target: { type: "user", id: member.userId },
      metadata: {
        email: member.user.email,
        before: { role: member.role },
        after: { role },
        source: "scim",
        groups: member.scimGroups.map((g) => ({ displayName: g.group.displayName, role: g.group.role })),
      },
      request: acting.request,
    });
    changes.push({ membershipId: member.id, email: member.user.email, before: member.role, after: role });
  }
  return changes;
}
