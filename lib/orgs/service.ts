import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { OrgContext, OrgId, UserContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { domainAllowed, emailDomain } from "./email-domains";

/** First path segments the console uses for itself: an org slug may not shadow them. */
const RESERVED_SLUGS = new Set(["api", "orgs", "invite", "sign-in", "sign-up", "sign-out", "sso", "settings", "admin", "_next", "static", "public", "favicon.ico", "robots.txt", "icon.svg", "health", "mfa", "account", "sso-required"]);

function slugify(name: string): string {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  if (base.length < 2) return "org";
  return RESERVED_SLUGS.has(base) ? `${base}-org` : base;
}

/** The orgs a user belongs to, with their role in each (a suspended membership is no access). */
export async function listOrgsForUser(userId: string) {
  const memberships = await db.membership.findMany({
    where: { userId, status: "ACTIVE", org: { deletedAt: null } },
    select: { role: true, org: { select: { id: true, slug: true, name: true, createdAt: true } } },
    orderBy: { org: { name: "asc" } },
  });
  return memberships.map((m) => ({ ...m.org, role: m.role }));
}

export async function getOrg(orgId: OrgId) {
  const org = await db.org.findFirst({ where: { id: orgId, deletedAt: null } });
  if (!org) throw new AppError("not_found");
  return org;
}

/**
 * Bootstrap: any signed-in user whose email domain the deployment allows
 * (`ALLOWED_SIGNUP_DOMAINS`, empty = anyone) creates an org and becomes its OWNER.
 */
export async function createOrg(ctx: UserContext, input: { name: string }) {
  const allowed = env().ALLOWED_SIGNUP_DOMAINS;
  if (!domainAllowed(ctx.principal.email, allowed)) {
    throw new AppError(
      "signup_domain_not_allowed",
      `Organisations on this deployment can only be created with an email at ${allowed.join(", ")}; yours is at ${emailDomain(ctx.principal.email)}.`,
    );
  }
  let slug = slugify(input.name);
  if (await db.org.findUnique({ where: { slug }, select: { id: true } })) slug = `${slug}-${randomBytes(3).toString("hex")}`;
  return db.$transaction(async (tx) => {
    const org = await tx.org.create({
      data: {
        name: input.name,
        slug,
        settings: { create: {} },
        memberships: { create: { userId: ctx.principal.userId, role: "OWNER" } },
      },
    });
    await recordAudit(tx, {
      action: "org.created",
      orgId: org.id,
      actor: ctx.actor,
      target: { type: "org", id: org.id },
      metadata: { name: org.name, slug: org.slug },
      request: ctx.request,
    });
    return org;
  });
}

export async function renameOrg(ctx: OrgContext, input: { name: string }) {
  return db.$transaction(async (tx) => {
    const before = await tx.org.findUniqueOrThrow({ where: { id: ctx.orgId } });
    const org = await tx.org.update({ where: { id: ctx.orgId }, data: { name: input.name } });
    await recordAudit(tx, {
      action: "org.updated",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "org", id: ctx.orgId },
      metadata: { before: { name: before.name }, after: { name: org.name } },
      request: ctx.request,
    });
    return org;
  });
}

/** Soft delete: the org disappears for everyone at once; its audit chain stays. */
export async function deleteOrg(ctx: OrgContext) {
  await db.$transaction(async (tx) => {
    await tx.org.update({ where: { id: ctx.orgId }, data: { deletedAt: new Date() } });
    await tx.invitation.updateMany({ where: { orgId: ctx.orgId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      action: "org.deleted",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "org", id: ctx.orgId },
      request: ctx.request,
    });
  });
}
