import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { mailFailure, type MailFailure } from "@/lib/mail/failure";
import { renderInvitationEmail } from "@/lib/mail/invitation-email";
import { mailConfigured, sendMail } from "@/lib/mail/transport";
import { domainAllowed, emailDomain } from "@/lib/orgs/email-domains";
import type { OrgContext, OrgId, UserContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { canManageRole, type Role } from "@/lib/security/permissions";

const TOKEN_PREFIX = "ghi_";

/** Invitation tokens are stored only as their SHA-256; the link holds the only copy. */
export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

async function allowedDomains(orgId: string): Promise<string[]> {
  const settings = await db.orgSettings.findUnique({ where: { orgId }, select: { allowedEmailDomains: true } });
  return settings?.allowedEmailDomains ?? [];
}

function refuseDomain(email: string, allowed: string[]): never {
  throw new AppError(
    "email_domain_not_allowed",
    `This organisation only admits emails at ${allowed.join(", ")}; ${emailDomain(email)} is not one of them.`,
    { issues: [{ path: "email", message: `Only ${allowed.join(", ")} addresses may join` }] },
  );
}

export async function listInvitations(orgId: OrgId) {
  const rows = await db.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    include: { invitedBy: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt, createdAt: i.createdAt, invitedBy: i.invitedBy?.email ?? null }));
}

/**
 * Invite an email with a role no higher than the inviter may grant. A pending
 * invitation for the same email is replaced. Returns the token once.
 */
export async function inviteMember(ctx: OrgContext, input: { email: string; role: Role }) {
  if (!canManageRole(ctx.role, input.role)) {
    throw new AppError("role_not_allowed", input.role === "OWNER" ? "Only owners can invite owners." : "You cannot invite members with this role.", {
      issues: [{ path: "role", message: "You cannot grant this role" }],
    });
  }
  const allowed = await allowedDomains(ctx.orgId);
  if (!domainAllowed(input.email, allowed)) refuseDomain(input.email, allowed);
  const existing = await db.membership.findFirst({ where: { orgId: ctx.orgId, user: { email: input.email } }, select: { id: true } });
  if (existing) throw new AppError("already_member", "This person is already a member.", { issues: [{ path: "email", message: "Already a member" }] });

  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + env().INVITATION_TTL_HOURS * 3_600_000);
  const invitation = await db.$transaction(async (tx) => {
    const now = new Date();
    await tx.invitation.updateMany({
      where: { orgId: ctx.orgId, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const created = await tx.invitation.create({
      data: { orgId: ctx.orgId, email: input.email, role: input.role, tokenHash: hashInvitationToken(token), expiresAt, invitedById: ctx.principal.userId },
    });
    await recordAudit(tx, {
      action: "member.invited",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "invitation", id: created.id },
      metadata: { email: input.email, role: input.role, expiresAt: expiresAt.toISOString() },
      request: ctx.request,
    });
    return created;
  });
  return { ...invitation, invitedBy: ctx.principal.email, token };
}

export type InvitationDelivery = { emailSent: true } | { emailSent: false; emailError: MailFailure };

/**
 * Email the link to the invitee, when mail is configured. Call it only after
 * `inviteMember` has returned (its transaction committed): a failed send is
 * reported and logged (without the link) but never undoes the invitation, and
 * the inviter still receives the link to pass on.
 */
export async function emailInvitation(
  ctx: OrgContext,
  invitation: { id: string; email: string; role: Role; expiresAt: Date },
  link: string,
): Promise<InvitationDelivery> {
  if (!mailConfigured()) return { emailSent: false, emailError: "not_configured" };
  const where = { requestId: ctx.request.requestId, orgId: ctx.orgId, invitationId: invitation.id };
  try {
    const org = await db.org.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { name: true } });
    const message = renderInvitationEmail({ orgName: org.name, role: invitation.role, invitedBy: ctx.principal.email, link, expiresAt: invitation.expiresAt });
    await sendMail({ to: invitation.email, ...message });
    log.info("invitation emailed", where);
    return { emailSent: true };
  } catch (error) {
    const reason = mailFailure(error);
    // The error's message and command may quote the server, the envelope or the
    // credentials: only its codes and the SMTP verb are logged.
    const { code, responseCode, command } = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
    const verb = typeof command === "string" ? command.split(" ")[0] : undefined;
    log.warn("invitation email not sent", { ...where, reason, code: typeof code === "string" ? code : undefined, responseCode, command: verb });
    return { emailSent: false, emailError: reason };
  }
}

export async function revokeInvitation(ctx: OrgContext, invitationId: string) {
  await db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, orgId: ctx.orgId, acceptedAt: null, revokedAt: null } });
    if (!invitation) throw new AppError("not_found");
    if (!canManageRole(ctx.role, invitation.role)) throw new AppError("role_not_allowed", "You cannot revoke this invitation.");
    await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      action: "member.invitation_revoked",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "invitation", id: invitation.id },
      metadata: { email: invitation.email, role: invitation.role },
      request: ctx.request,
    });
  });
}

/** Pending: not accepted, not revoked, not expired, and its org still exists. */
function usable<I extends { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date; org: { deletedAt: Date | null } }>(
  invitation: I | null,
): invitation is I {
  return Boolean(invitation && !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt > new Date() && !invitation.org.deletedAt);
}

/** What the invitation page shows before accepting. Unknown, used, revoked and expired tokens look alike. */
export async function previewInvitation(token: string) {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { org: { select: { name: true, deletedAt: true } }, invitedBy: { select: { email: true } } },
  });
  if (!usable(invitation)) return null;
  return { orgName: invitation.org.name, email: invitation.email, role: invitation.role, invitedBy: invitation.invitedBy?.email ?? null, expiresAt: invitation.expiresAt };
}

/**
 * Accept: single use (the conditional update lets exactly one request win),
 * only for the invited email, and only while the org's domain allowlist admits it.
 */
export async function acceptInvitation(ctx: UserContext, token: string) {
  const gone = () => new AppError("invitation_invalid", "This invitation is invalid, expired or already used. Ask for a new one.");
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) }, include: { org: true } });
  if (!usable(invitation)) throw gone();
  if (invitation.email !== ctx.principal.email.toLowerCase()) {
    throw new AppError("invitation_email_mismatch", `This invitation is for ${invitation.email}. Sign in with that address to accept it.`);
  }
  const allowed = await allowedDomains(invitation.orgId);
  if (!domainAllowed(ctx.principal.email, allowed)) refuseDomain(ctx.principal.email, allowed);
  try {
    return await db.$transaction(async (tx) => {
      const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: new Date() } });
      if (claimed.count !== 1) throw gone();
      const membership = await tx.membership.create({ data: { orgId: invitation.orgId, userId: ctx.principal.userId, role: invitation.role } });
      await recordAudit(tx, {
        action: "member.joined",
        orgId: invitation.orgId,
        actor: ctx.actor,
        target: { type: "user", id: ctx.principal.userId },
        metadata: { email: ctx.principal.email, role: invitation.role, invitationId: invitation.id },
        request: ctx.request,
      });
      return { orgId: invitation.orgId, orgSlug: invitation.org.slug, role: membership.role };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("already_member", "You are already a member of this organisation.");
    throw error;
  }
}
