import "server-only";
import { randomUUID } from "node:crypto";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { OrgContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import { fingerprintOf, last4Of, seal, type Binding } from "./envelope";
import { verifiedRing } from "./ring";
import { lockActiveKek, pendingRewrap, rewrapVault, sealedByKek } from "./rewrap";
import type { CreateProviderKeyInput, ProviderKeyView, ReplaceProviderKeyInput, RewrapResult, UpdateProviderKeyInput, VaultStatus } from "./schemas";
import { evictVaultedKeys } from "./vaulted-keys";

/**
 * Vaulted provider keys of an org: add, replace, relabel, revoke. The secret
 * goes in once, is sealed at once (lib/vault/envelope.ts) and never comes
 * back out through this module: views carry the fingerprint and last four.
 * Every change is audited in its own transaction with fingerprints, never the
 * key, and clears this instance's cache of opened keys for the org. Adding,
 * replacing and revoking a key and re-wrapping need a recent MFA check
 * (step-up, lib/security/step-up.ts).
 */
const select = {
  id: true,
  orgId: true,
  projectId: true,
  provider: true,
  label: true,
  fingerprint: true,
  last4: true,
  setAt: true,
  revokedAt: true,
  createdAt: true,
  project: { select: { name: true } },
  setBy: { select: { email: true } },
} as const;

type Row = {
  id: string;
  orgId: string;
  projectId: string | null;
  provider: string;
  label: string;
  fingerprint: string;
  last4: string;
  setAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
  project: { name: string } | null;
  setBy: { email: string } | null;
};

function toView(row: Row): ProviderKeyView {
  return {
    id: row.id,
    provider: row.provider as ProviderKeyView["provider"],
    label: row.label,
    projectId: row.projectId,
    projectName: row.project?.name ?? null,
    fingerprint: row.fingerprint,
    last4: row.last4,
    status: row.revokedAt ? "revoked" : "live",
    setBy: row.setBy?.email ?? null,
    setAt: row.setAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}

/** Prisma's Bytes fields take a Uint8Array over a plain ArrayBuffer. */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/** "<org>:<project or org>:<provider>": unique among live keys. */
export const liveScope = (orgId: string, projectId: string | null, provider: string) => `${orgId}:${projectId ?? "org"}:${provider}`;

function audit(tx: Tx, ctx: OrgContext, action: AuditAction, row: { id: string; projectId: string | null }, metadata: Record<string, unknown>) {
  return recordAudit(tx, {
    action,
    orgId: ctx.orgId,
    projectId: row.projectId,
    actor: ctx.actor,
    target: { type: "provider_key", id: row.id },
    metadata,
    request: ctx.request,
  });
}

async function requireProject(ctx: OrgContext, projectId: string): Promise<void> {
  const project = await db.project.findFirst({ where: { id: projectId, orgId: ctx.orgId }, select: { id: true } });
  if (!project) throw new AppError("not_found");
}

export async function listProviderKeys(ctx: OrgContext, query: { projectId?: string; status: "live" | "revoked" | "all" }): Promise<ProviderKeyView[]> {
  if (query.projectId) await requireProject(ctx, query.projectId);
  const rows = await db.providerCredential.findMany({
    where: {
      orgId: ctx.orgId,
      ...(query.projectId ? { projectId: query.projectId } : {}),
      ...(query.status === "live" ? { revokedAt: null } : query.status === "revoked" ? { revokedAt: { not: null } } : {}),
    },
    select,
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { provider: "asc" }, { createdAt: "desc" }, { id: "asc" }],
    take: 500,
  });
  return rows.map(toView);
}

async function findRow(ctx: OrgContext, id: string, client: Tx | typeof db = db): Promise<Row> {
  const row = await client.providerCredential.findFirst({ where: { id, orgId: ctx.orgId }, select });
  if (!row) throw new AppError("not_found");
  return row;
}

export async function getProviderKey(ctx: OrgContext, id: string): Promise<ProviderKeyView> {
  return toView(await findRow(ctx, id));
}

function sealFor(ring: Awaited<ReturnType<typeof verifiedRing>>, binding: Omit<Binding, "fingerprint" | "last4">, secret: string) {
  const full: Binding = { ...binding, fingerprint: fingerprintOf(secret), last4: last4Of(secret) };
  return { binding: full, sealed: seal(ring, full, secret) };
}

export async function createProviderKey(ctx: OrgContext, input: CreateProviderKeyInput): Promise<ProviderKeyView> {
  requireRecentMfa(ctx);
  if (input.projectId) await requireProject(ctx, input.projectId);
  const ring = await verifiedRing();
  const id = randomUUID();
  const { binding, sealed } = sealFor(ring, { orgId: ctx.orgId, credentialId: id, projectId: input.projectId, provider: input.provider }, input.secret);
  try {
    const row = await db.$transaction(async (tx) => {
      await lockActiveKek(tx, sealed.kekId);
      const created = await tx.providerCredential.create({
        data: {
          id,
          orgId: ctx.orgId,
          projectId: input.projectId,
          provider: input.provider,
          label: input.label,
          fingerprint: binding.fingerprint,
          last4: binding.last4,
          formatVersion: sealed.formatVersion,
          kekId: sealed.kekId,
          wrappedDek: bytes(sealed.wrappedDek),
          ciphertext: bytes(sealed.ciphertext),
          liveScope: liveScope(ctx.orgId, input.projectId, input.provider),
          setById: ctx.principal.userId,
        },
        select,
      });
      await audit(tx, ctx, "provider_key.created", created, {
        provider: input.provider,
        label: input.label,
        projectId: input.projectId,
        fingerprint: binding.fingerprint,
        last4: binding.last4,
        kekId: sealed.kekId,
      });
      return created;
    });
    return toView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("provider_key_exists");
    throw error;
  } finally {
    evictVaultedKeys(ctx.orgId);
  }
}

/** A live key's row, locked for the rest of the transaction. */
async function lockLive(tx: Tx, ctx: OrgContext, id: string): Promise<Row> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_credentials WHERE id = ${id}::uuid AND org_id = ${ctx.orgId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new AppError("not_found");
  const row = await findRow(ctx, id, tx);
  if (row.revokedAt) throw new AppError("conflict", "This provider key is revoked; add a new one instead.");
  return row;
}

/** A new secret under a new data key; the record, its id and its scope stay. */
export async function replaceProviderKey(ctx: OrgContext, id: string, input: ReplaceProviderKeyInput): Promise<ProviderKeyView> {
  requireRecentMfa(ctx);
  const ring = await verifiedRing();
  try {
    const row = await db.$transaction(async (tx) => {
      const current = await lockLive(tx, ctx, id);
      const { binding, sealed } = sealFor(ring, { orgId: ctx.orgId, credentialId: id, projectId: current.projectId, provider: current.provider }, input.secret);
      await lockActiveKek(tx, sealed.kekId);
      const updated = await tx.providerCredential.update({
        where: { id },
        data: {
          ...(input.label !== undefined ? { label: input.label } : {}),
          fingerprint: binding.fingerprint,
          last4: binding.last4,
          formatVersion: sealed.formatVersion,
          kekId: sealed.kekId,
          wrappedDek: bytes(sealed.wrappedDek),
          ciphertext: bytes(sealed.ciphertext),
          setById: ctx.principal.userId,
          setAt: new Date(),
        },
        select,
      });
      await audit(tx, ctx, "provider_key.replaced", updated, {
        provider: current.provider,
        projectId: current.projectId,
        before: { fingerprint: current.fingerprint, last4: current.last4, label: current.label },
        after: { fingerprint: binding.fingerprint, last4: binding.last4, label: updated.label },
        kekId: sealed.kekId,
      });
      return updated;
    });
    return toView(row);
  } finally {
    evictVaultedKeys(ctx.orgId);
  }
}

export async function updateProviderKey(ctx: OrgContext, id: string, input: UpdateProviderKeyInput): Promise<ProviderKeyView> {
  const row = await db.$transaction(async (tx) => {
    const current = await lockLive(tx, ctx, id);
    if (current.label === input.label) return current;
    const updated = await tx.providerCredential.update({ where: { id }, data: { label: input.label }, select });
    await audit(tx, ctx, "provider_key.updated", updated, { fingerprint: current.fingerprint, before: { label: current.label }, after: { label: input.label } });
    return updated;
  });
  return toView(row);
}

/** Erase the ciphertext and its wrapped data key; keep the record. Revoking twice changes nothing. */
export async function revokeProviderKey(ctx: OrgContext, id: string): Promise<ProviderKeyView> {
  requireRecentMfa(ctx);
  try {
    const row = await db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_credentials WHERE id = ${id}::uuid AND org_id = ${ctx.orgId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new AppError("not_found");
      const current = await findRow(ctx, id, tx);
      if (current.revokedAt) return current;
      const revoked = await tx.providerCredential.update({
        where: { id },
        data: { revokedAt: new Date(), liveScope: null, kekId: null, wrappedDek: null, ciphertext: null },
        select,
      });
      await audit(tx, ctx, "provider_key.revoked", revoked, {
        provider: current.provider,
        projectId: current.projectId,
        label: current.label,
        fingerprint: current.fingerprint,
        last4: current.last4,
      });
      return revoked;
    });
    return toView(row);
  } finally {
    evictVaultedKeys(ctx.orgId);
  }
}

export async function vaultStatus(ctx: OrgContext): Promise<VaultStatus> {
  const ring = await verifiedRing();
  // The org's sealed secrets: its provider keys and its SSO client secrets.
  const byKek = [...(await sealedByKek(ctx.orgId))].map(([kekId, count]) => ({ kekId, count }));
  byKek.sort((a, b) => (a.kekId === ring.activeId ? -1 : b.kekId === ring.activeId ? 1 : a.kekId.localeCompare(b.kekId)));
  return { activeKekId: ring.activeId, byKek, pending: byKek.filter((g) => g.kekId !== ring.activeId).reduce((n, g) => n + g.count, 0) };
}

/** The console's master-key rotation: this org's data keys re-wrapped under the active KEK. */
export async function rewrapOrgVault(ctx: OrgContext): Promise<RewrapResult> {
  requireRecentMfa(ctx);
  const ring = await verifiedRing();
  const result = await rewrapVault({ ring, orgId: ctx.orgId, actor: ctx.actor, request: ctx.request });
  evictVaultedKeys(ctx.orgId);
  return { ...result, pending: await pendingRewrap(ring.activeId, ctx.orgId), activeKekId: ring.activeId };
}
