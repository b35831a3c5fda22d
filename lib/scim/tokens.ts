import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { OrgContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import { scimError } from "./errors";
import { MAX_ACTIVE_SCIM_TOKENS, type CreateScimTokenInput, type ScimTokenView } from "./schemas";
import { hashScimToken, issueScimToken, looksLikeScimToken } from "./token-format";

/**
 * Per-org SCIM bearer tokens: created by an ADMIN or OWNER (shown once,
 * stored as a SHA-256 hash with its prefix and last four), revoked at once.
 * The token alone selects the org its identity provider provisions.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

const tokenSelect = { id: true, name: true, prefix: true, last4: true, createdById: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;
type TokenRow = { id: string; name: string; prefix: string; last4: string; createdById: string | null; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

async function toViews(rows: TokenRow[]): Promise<ScimTokenView[]> {
  const creatorIds = [...new Set(rows.map((row) => row.createdById).filter((id): id is string => id !== null))];
  const creators = creatorIds.length ? await db.user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, email: true } }) : [];
  const emails = new Map(creators.map((user) => [user.id, user.email]));
  return rows.map(({ createdById, ...row }) => ({
    ...row,
    status: row.revokedAt ? "revoked" : "active",
    createdBy: createdById ? (emails.get(createdById) ?? null) : null,
  }));
}

export async function listScimTokens(orgId: OrgId): Promise<ScimTokenView[]> {
  const rows = await db.scimToken.findMany({ where: { orgId }, select: tokenSelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return toViews(rows);
}

/** A SCIM token can provision members and, through a mapped group, give them roles: creating one needs a recent MFA check (step-up). */
export async function createScimToken(ctx: OrgContext, input: CreateScimTokenInput): Promise<ScimTokenView & { token: string }> {
  requireRecentMfa(ctx);
  const issued = issueScimToken();
  const row = await db.$transaction(async (tx) => {
    // Serialise token creation per org, so the cap on active tokens holds.
    await tx.$queryRaw`SELECT id FROM orgs WHERE id = ${ctx.orgId}::uuid FOR UPDATE`;
    const active = await tx.scimToken.count({ where: { orgId: ctx.orgId, revokedAt: null } });
    if (active >= MAX_ACTIVE_SCIM_TOKENS) throw new AppError("conflict", `At most ${MAX_ACTIVE_SCIM_TOKENS} active SCIM tokens: revoke one first.`);
    const token = await tx.scimToken.create({
      data: { orgId: ctx.orgId, name: input.name, prefix: issued.prefix, last4: issued.last4, hash: issued.hash, createdById: ctx.principal.userId },
      select: tokenSelect,
    });
    await recordAudit(tx, {
      action: "scim.token.created",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "scim_token", id: token.id },
      metadata: { name: token.name, prefix: token.prefix, last4: token.last4 },
      request: ctx.request,
    });
    return token;
  });
  const [view] = await toViews([row]);
  return { ...view!, token: issued.secret };
}

/** Revoke a token: its next request answers 401. Revoking a revoked token changes nothing and is not audited again. */
export async function revokeScimToken(ctx: OrgContext, tokenId: string): Promise<ScimTokenView> {
  const row = await db.$transaction(async (tx) => {
    const token = await tx.scimToken.findFirst({ where: { id: tokenId, orgId: ctx.orgId }, select: tokenSelect });
    if (!token) throw new AppError("not_found");
    if (token.revokedAt) return token;
    const after = await tx.scimToken.update({ where: { id: token.id }, data: { revokedAt: new Date() }, select: tokenSelect });
    await recordAudit(tx, {
      action: "scim.token.revoked",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "scim_token", id: token.id },
      metadata: { name: token.name, prefix: token.prefix, last4: token.last4 },
      request: ctx.request,
    });
    return after;
  });
  const [view] = await toViews([row]);
  return view!;
}

export interface ScimTokenPrincipal {
  tokenId: string;
  orgId: OrgId;
  prefix: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const unauthorized = () => scimError(401, null, "Send the org's SCIM token: Authorization: Bearer ghscim_…");

/**
 * The SCIM caller: a live token of a live org, from `Authorization: Bearer`.
 * A missing, malformed, unknown or revoked token, and one of a deleted org,
 * all answer the same 401. `lastUsedAt` is written at most once a minute.
 */
export async function authenticateScimToken(headers: Headers, now = new Date()): Promise<ScimTokenPrincipal> {
  const match = BEARER.exec(headers.get("authorization") ?? "");
  const secret = match?.[1];
  if (!secret || !looksLikeScimToken(secret)) throw unauthorized();
  const token = await db.scimToken.findUnique({
    where: { hash: hashScimToken(secret) },
    select: { id: true, orgId: true, prefix: true, revokedAt: true, lastUsedAt: true, org: { select: { deletedAt: true } } },
  });
  if (!token || token.revokedAt || token.org.deletedAt) throw unauthorized();
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional, so concurrent requests of one minute write once between them.
    await db.scimToken.updateMany({ where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] }, data: { lastUsedAt: now } });
  }
  return { tokenId: token.id, orgId: token.orgId as OrgId, prefix: token.prefix };
}

