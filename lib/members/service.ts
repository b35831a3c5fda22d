import "server-only";
import type { Tx } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { OrgContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { canManageRole, type Role } from "@/lib/security/permissions";

export async function listMembers(orgId: OrgId) {
  const rows = await db.membership.findMany({
    where: { orgId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({ id: m.id, userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, status: m.status, createdAt: m.createdAt }));
}

/** Serialise membership changes of one org, so "last owner" checks cannot race. */
async function lockOrg(tx: Tx, orgId: OrgId) {
  await tx.$queryRaw`SELECT id FROM orgs WHERE id = ${orgId}::uuid FOR UPDATE`;
}

async function memberOf(tx: Tx, orgId: OrgId, memberId: string) {
  const member = await tx.membership.findFirst({ where: { id: memberId, orgId }, include: { user: { select: { email: true } } } });
  if (!member) throw new AppError("not_found");
  return member;
}

async function ensureNotLastOwner(tx: Tx, orgId: OrgId, current: Role) {
  if (current !== "OWNER") return;
  const owners = await tx.membership.count({ where: { orgId, role: "OWNER" } });
  if (owners <= 1) throw new AppError("last_owner", "An organisation needs at least one owner. Make someone else an owner first.");
}

function ensureCanManage(ctx: OrgContext, ...roles: Role[]) {
  for (const role of roles) {
    if (!canManageRole(ctx.role, role)) {
      throw new AppError("role_not_allowed", role === "OWNER" ? "Only owners can manage owners." : "You cannot manage members with this role.");
    }
  }
}

export async function changeRole(ctx: OrgContext, memberId: string, role: Role) {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const member = await memberOf(tx, ctx.orgId, memberId);
    ensureCanManage(ctx, member.role, role);
    if (member.role === role) return { ...member, email: member.user.email };
    if (role !== "OWNER") await ensureNotLastOwner(tx, ctx.orgId, member.role);
    const updated = await tx.membership.update({ where: { id: member.id }, data: { role } });
    await recordAudit(tx, {
      action: "member.role_changed",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "user", id: member.userId },
      metadata: { email: member.user.email, before: { role: member.role }, after: { role } },
      request: ctx.request,
    });
    return { ...updated, email: member.user.email };
  });
}

export async function removeMember(ctx: OrgContext, memberId: string) {
  await db.$transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const member = await memberOf(tx, ctx.orgId, memberId);
    ensureCanManage(ctx, member.role);
    await ensureNotLastOwner(tx, ctx.orgId, member.role);
    await tx.membership.delete({ where: { id: member.id } });
    await recordAudit(tx, {
      action: "member.removed",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "user", id: member.userId },
      metadata: { email: member.user.email, role: member.role },
      request: ctx.request,
    });
  });
}
