import "server-only";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { resetOriginIndex } from "@/lib/gateway/cors";
import type { ManagementContext, OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { scopePermissions } from "@/lib/security/permissions";
import { issueSecret, type IssuedSecret } from "./format";
import type { ApiKeyView, CreateApiKeyInput, UpdateApiKeyInput } from "./schemas";
import { evictApiKey } from "./verify";

/**
 * Project API keys: create (secret shown once), list, change restrictions,
 * rotate with a grace window, revoke. Every change is audited in its own
 * transaction; changes evict this instance's verification cache at once and
 * reach other instances within the cache's TTL.
 */
const keySelect = {
  id: true,
  projectId: true,
  name: true,
  description: true,
  prefix: true,
  last4: true,
  scopes: true,
  ipAllowlist: true,
  allowedOrigins: true,
  rateLimit: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  rotatedAt: true,
  flaggedAt: true,
  createdAt: true,
  createdBy: { select: { email: true } },
  secrets: { where: { expiresAt: { not: null } }, select: { expiresAt: true }, orderBy: { expiresAt: "desc" }, take: 1 },
} as const;

type KeyRow = {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  prefix: string;
  last4: string;
  scopes: string[];
  ipAllowlist: string[];
  allowedOrigins: string[];
  rateLimit: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedAt: Date | null;
  flaggedAt: Date | null;
  createdAt: Date;
  createdBy: { email: string } | null;
  secrets: { expiresAt: Date | null }[];
};

export function toView(row: KeyRow, now = new Date()): ApiKeyView {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  const graceEnd = row.secrets[0]?.expiresAt ?? null;
  const { secrets: _secrets, createdBy, ...rest } = row;
  return {
    ...rest,
    scopes: row.scopes as ApiKeyView["scopes"],
    status,
    previousSecretExpiresAt: graceEnd && graceEnd > now && !row.revokedAt ? graceEnd : null,
    createdBy: createdBy?.email ?? null,
  };
}

/** An API key principal manages its own project only; anything else is not found. */
function assertProjectInReach(ctx: ManagementContext, projectId: string): void {
  if (ctx.role === null && ctx.projectId !== projectId) throw new AppError("not_found");
}

async function requireProject(ctx: ManagementContext, projectId: string): Promise<void> {
  assertProjectInReach(ctx, projectId);
  const project = await db.project.findFirst({ where: { id: projectId, orgId: ctx.orgId }, select: { id: true } });
  if (!project) throw new AppError("not_found");
}

function audit(tx: Tx, ctx: ManagementContext, action: AuditAction, key: { id: string; projectId: string }, metadata: Record<string, unknown>) {
  return recordAudit(tx, {
    action,
    orgId: ctx.orgId,
    projectId: key.projectId,
    actor: ctx.actor,
    target: { type: "api_key", id: key.id },
    metadata,
    request: ctx.request,
  });
}

/** Nobody hands out more than they hold: every scope's permissions must be the caller's own. */
function assertScopesGrantable(ctx: ManagementContext, scopes: readonly string[]): void {
  for (const permission of scopePermissions(scopes)) {
    if (!ctx.permissions.has(permission)) throw new AppError("scope_not_allowed", undefined, { issues: [{ path: "scopes", message: `Needs ${permission}` }] });
  }
}

const restrictions = (k: { scopes: string[]; ipAllowlist: string[]; allowedOrigins: string[]; rateLimit: number | null; expiresAt: Date | null }) => ({
  scopes: k.scopes,
  ipAllowlist: k.ipAllowlist,
  allowedOrigins: k.allowedOrigins,
  rateLimit: k.rateLimit,
  expiresAt: k.expiresAt?.toISOString() ?? null,
});

export async function listApiKeys(ctx: ManagementContext, projectId: string): Promise<ApiKeyView[]> {
  await requireProject(ctx, projectId);
  const rows = await db.apiKey.findMany({ where: { orgId: ctx.orgId, projectId }, select: keySelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  const now = new Date();
  return rows.map((row) => toView(row, now));
}

async function findKey(ctx: ManagementContext, projectId: string, keyId: string, client: Tx | typeof db = db): Promise<KeyRow> {
  assertProjectInReach(ctx, projectId);
  const row = await client.apiKey.findFirst({ where: { id: keyId, projectId, orgId: ctx.orgId }, select: keySelect });
  if (!row) throw new AppError("not_found");
  return row;
}

export async function getApiKey(ctx: ManagementContext, projectId: string, keyId: string): Promise<ApiKeyView> {
  return toView(await findKey(ctx, projectId, keyId));
}

export async function createApiKey(ctx: ManagementContext, projectId: string, input: CreateApiKeyInput): Promise<ApiKeyView & { secret: string }> {
  await requireProject(ctx, projectId);
  assertScopesGrantable(ctx, input.scopes);
  const issued = issueSecret();
  const row = await db.$transaction(async (tx) => {
    const key = await tx.apiKey.create({
      data: {
        orgId: ctx.orgId,
        projectId,
        name: input.name,
        description: input.description,
        prefix: issued.prefix,
        last4: issued.last4,
        scopes: input.scopes,
        ipAllowlist: input.ipAllowlist,
        allowedOrigins: input.allowedOrigins,
        rateLimit: input.rateLimit,
        expiresAt: input.expiresAt,
        createdById: ctx.principal.kind === "user" ? ctx.principal.userId : null,
        secrets: { create: { hash: issued.hash, prefix: issued.prefix, last4: issued.last4 } },
      },
      select: keySelect,
    });
    await audit(tx, ctx, "api_key.created", key, { name: key.name, prefix: key.prefix, last4: key.last4, ...restrictions(key) });
    return key;
  });
  if (row.allowedOrigins.length > 0) resetOriginIndex();
  return { ...toView(row), secret: issued.secret };
}

export async function updateApiKey(ctx: ManagementContext, projectId: string, keyId: string, patch: UpdateApiKeyInput): Promise<ApiKeyView> {
  if (patch.scopes) assertScopesGrantable(ctx, patch.scopes);
  const row = await db.$transaction(async (tx) => {
    const before = await findKey(ctx, projectId, keyId, tx);
    if (before.revokedAt) throw new AppError("conflict", "A revoked key cannot be changed.");
    const after = await tx.apiKey.update({ where: { id: before.id }, data: patch, select: keySelect });
    const changed = Object.keys(patch);
    await audit(tx, ctx, "api_key.updated", after, {
      changed,
      before: { name: before.name, description: before.description, ...restrictions(before) },
      after: { name: after.name, description: after.description, ...restrictions(after) },
    });
    return after;
  });
  evictApiKey(keyId);
  resetOriginIndex();
  return toView(row);
}

/**
 * Issue a new secret for the same key. Every secret it replaces keeps working
 * until the end of its own grace window, but never past this rotation's
 * window: rotating with grace 0 ends all older secrets at once (the answer to
 * a leaked key), and rotating twice in a row never cuts off the secret that
 * was current before either rotation earlier than the caller asked.
 */
export async function rotateApiKey(ctx: ManagementContext, projectId: string, keyId: string, graceSeconds: number): Promise<ApiKeyView & { secret: string }> {
  const issued: IssuedSecret = issueSecret();
  const row = await db.$transaction(async (tx) => {
    const found = await findKey(ctx, projectId, keyId, tx);
    // Serialise rotations of one key: the second waits and sees the first's secret as current.
    await tx.$executeRaw`SELECT 1 FROM api_keys WHERE id = ${found.id}::uuid FOR UPDATE`;
    const key = await findKey(ctx, projectId, keyId, tx);
    if (key.revokedAt) throw new AppError("conflict", "A revoked key cannot be rotated.");
    const now = new Date();
    const graceEnd = new Date(now.getTime() + graceSeconds * 1_000);
    await tx.apiKeySecret.updateMany({ where: { apiKeyId: key.id, expiresAt: null }, data: { expiresAt: graceEnd } });
    await tx.apiKeySecret.updateMany({ where: { apiKeyId: key.id, expiresAt: { gt: graceEnd } }, data: { expiresAt: graceEnd } });
    await tx.apiKeySecret.create({ data: { apiKeyId: key.id, hash: issued.hash, prefix: issued.prefix, last4: issued.last4 } });
    const after = await tx.apiKey.update({
      where: { id: key.id },
      data: { prefix: issued.prefix, last4: issued.last4, rotatedAt: now },
      select: keySelect,
    });
    await audit(tx, ctx, "api_key.rotated", after, {
      graceSeconds,
      previousSecretExpiresAt: graceEnd.toISOString(),
      previous: { prefix: key.prefix, last4: key.last4 },
      current: { prefix: issued.prefix, last4: issued.last4 },
    });
    return after;
  });
  evictApiKey(keyId);
  return { ...toView(row), secret: issued.secret };
}

/** Revoke a key and all its secrets. Revoking a revoked key changes nothing and is not audited again. */
export async function revokeApiKey(ctx: ManagementContext, projectId: string, keyId: string): Promise<ApiKeyView> {
  const row = await db.$transaction(async (tx) => {
    const key = await findKey(ctx, projectId, keyId, tx);
    if (key.revokedAt) return key;
    const after = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() }, select: keySelect });
    await audit(tx, ctx, "api_key.revoked", after, { name: key.name, prefix: key.prefix, last4: key.last4 });
    return after;
  });
  evictApiKey(keyId);
  resetOriginIndex();
  return toView(row);
}

/** Keys of an org for the console's project overview (counts only). */
export async function countActiveKeys(orgId: OrgId): Promise<Map<string, number>> {
  const rows = await db.apiKey.groupBy({ by: ["projectId"], where: { orgId, revokedAt: null }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.projectId, r._count._all]));
}
